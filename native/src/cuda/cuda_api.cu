// The labo_cuda_* C API (labo/labo_cuda.h): raw device buffers, streams, event timing.
#include <cstring>
#include <vector>

#include "labo/labo_cuda.h"

#include "cuda_common.cuh"
#include "launch.cuh"
#include "target_error_record.cuh"

namespace labo {
namespace {

using cuda::DeviceGuard;
using cuda::report_cuda_error;

labo_status check_bytes(int64_t bytes) {
    if (bytes < 0) return set_error(LABO_STATUS_INVALID_ARGUMENT, "bytes = %lld is negative", static_cast<long long>(bytes));
    return LABO_STATUS_OK;
}

labo_status check_copy(void *dst, const void *src, int64_t bytes) {
    labo_status status = check_bytes(bytes);
    if (status != LABO_STATUS_OK) return status;
    if (bytes > 0 && (dst == nullptr || src == nullptr)) {
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "%s is NULL", dst == nullptr ? "dst" : "src");
    }
    return LABO_STATUS_OK;
}

labo_status copy(int32_t device, void *dst, const void *src, int64_t bytes, cudaMemcpyKind kind, const char *what) {
    labo_status status = check_copy(dst, src, bytes);
    if (status != LABO_STATUS_OK) return status;
    DeviceGuard guard;
    status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    if (bytes == 0) return LABO_STATUS_OK;
    const cudaError_t error = cudaMemcpy(dst, src, static_cast<size_t>(bytes), kind);
    if (error != cudaSuccess) return report_cuda_error(error, what);
    return LABO_STATUS_OK;
}

// 2 * n events, destroyed on exit.
class EventPairs {
public:
    EventPairs() = default;
    EventPairs(const EventPairs &) = delete;
    EventPairs &operator=(const EventPairs &) = delete;
    ~EventPairs() {
        for (cudaEvent_t e : events_) (void)cudaEventDestroy(e);
    }
    labo_status create(int n) {
        events_.reserve(static_cast<size_t>(2 * n));
        for (int i = 0; i < 2 * n; ++i) {
            cudaEvent_t e = nullptr;
            const cudaError_t error = cudaEventCreate(&e);
            if (error != cudaSuccess) return report_cuda_error(error, "cudaEventCreate");
            events_.push_back(e);
        }
        return LABO_STATUS_OK;
    }
    cudaEvent_t start(int i) const { return events_[static_cast<size_t>(2 * i)]; }
    cudaEvent_t stop(int i) const { return events_[static_cast<size_t>(2 * i + 1)]; }

    // After every event has been recorded: waits for the last and fills times_ms.
    labo_status elapsed(int n, float *times_ms) const {
        cudaError_t error = cudaEventSynchronize(stop(n - 1));
        if (error != cudaSuccess) return report_cuda_error(error, "cudaEventSynchronize");
        for (int i = 0; i < n; ++i) {
            error = cudaEventElapsedTime(&times_ms[i], start(i), stop(i));
            if (error != cudaSuccess) return report_cuda_error(error, "cudaEventElapsedTime");
        }
        return LABO_STATUS_OK;
    }

private:
    std::vector<cudaEvent_t> events_;
};

labo_status check_timing(int32_t warmup, int32_t repeats, const float *times_ms) {
    if (warmup < 0) return set_error(LABO_STATUS_INVALID_ARGUMENT, "warmup = %d is negative", warmup);
    if (repeats < 1) return set_error(LABO_STATUS_INVALID_ARGUMENT, "repeats = %d is not positive", repeats);
    if (times_ms == nullptr) return set_error(LABO_STATUS_INVALID_ARGUMENT, "times_ms is NULL");
    return LABO_STATUS_OK;
}

}  // namespace
}  // namespace labo

using labo::set_error;
using labo::cuda::DeviceGuard;
using labo::cuda::report_cuda_error;

extern "C" {

LABO_API labo_status labo_cuda_malloc(int32_t device, int64_t bytes, void **out) {
    if (out == nullptr) return set_error(LABO_STATUS_INVALID_ARGUMENT, "out is NULL");
    *out = nullptr;
    labo_status status = labo::check_bytes(bytes);
    if (status != LABO_STATUS_OK) return status;
    DeviceGuard guard;
    status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    if (bytes == 0) return LABO_STATUS_OK;
    void *ptr = nullptr;
    const cudaError_t error = cudaMalloc(&ptr, static_cast<size_t>(bytes));
    if (error != cudaSuccess) {
        (void)cudaGetLastError();
        return set_error(error == cudaErrorMemoryAllocation ? LABO_STATUS_INTERNAL : LABO_STATUS_CUDA_ERROR,
                         "cudaMalloc(%lld bytes) on device %d failed: %s", static_cast<long long>(bytes), device,
                         cudaGetErrorString(error));
    }
    *out = ptr;
    return LABO_STATUS_OK;
}

LABO_API labo_status labo_cuda_free(int32_t device, void *ptr) {
    DeviceGuard guard;
    labo_status status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    if (ptr == nullptr) return LABO_STATUS_OK;
    const cudaError_t error = cudaFree(ptr);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaFree");
    return LABO_STATUS_OK;
}

LABO_API labo_status labo_cuda_memcpy_h2d(int32_t device, void *dst_device, const void *src_host, int64_t bytes) {
    return labo::copy(device, dst_device, src_host, bytes, cudaMemcpyHostToDevice, "cudaMemcpy(host to device)");
}

LABO_API labo_status labo_cuda_memcpy_d2h(int32_t device, void *dst_host, const void *src_device, int64_t bytes) {
    return labo::copy(device, dst_host, src_device, bytes, cudaMemcpyDeviceToHost, "cudaMemcpy(device to host)");
}

LABO_API labo_status labo_cuda_memcpy_d2d(int32_t device, void *dst_device, const void *src_device, int64_t bytes) {
    return labo::copy(device, dst_device, src_device, bytes, cudaMemcpyDeviceToDevice,
                      "cudaMemcpy(device to device)");
}

LABO_API labo_status labo_cuda_memset(int32_t device, void *dst_device, int32_t value, int64_t bytes) {
    labo_status status = labo::check_bytes(bytes);
    if (status != LABO_STATUS_OK) return status;
    if (bytes > 0 && dst_device == nullptr) return set_error(LABO_STATUS_INVALID_ARGUMENT, "dst is NULL");
    DeviceGuard guard;
    status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    if (bytes == 0) return LABO_STATUS_OK;
    cudaError_t error = cudaMemset(dst_device, value, static_cast<size_t>(bytes));
    if (error == cudaSuccess) error = cudaDeviceSynchronize();
    if (error != cudaSuccess) return report_cuda_error(error, "cudaMemset");
    return LABO_STATUS_OK;
}

LABO_API labo_status labo_cuda_synchronize(int32_t device) {
    DeviceGuard guard;
    labo_status status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    const cudaError_t error = cudaDeviceSynchronize();
    if (error != cudaSuccess) return report_cuda_error(error, "cudaDeviceSynchronize");
    return LABO_STATUS_OK;
}

LABO_API labo_status labo_cuda_take_target_error(int32_t device) {
    DeviceGuard guard;
    const labo_status status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    return labo::cuda::take_target_error(device);
}

LABO_API labo_status labo_cuda_stream_create(int32_t device, void **out_stream) {
    if (out_stream == nullptr) return set_error(LABO_STATUS_INVALID_ARGUMENT, "out_stream is NULL");
    *out_stream = nullptr;
    DeviceGuard guard;
    labo_status status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    cudaStream_t stream = nullptr;
    const cudaError_t error = cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaStreamCreateWithFlags");
    *out_stream = stream;
    return LABO_STATUS_OK;
}

LABO_API labo_status labo_cuda_stream_destroy(int32_t device, void *stream) {
    if (stream == nullptr) return LABO_STATUS_OK;  // the legacy default stream is not destroyed
    DeviceGuard guard;
    labo_status status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    const cudaError_t error = cudaStreamDestroy(static_cast<cudaStream_t>(stream));
    if (error != cudaSuccess) return report_cuda_error(error, "cudaStreamDestroy");
    return LABO_STATUS_OK;
}

LABO_API labo_status labo_cuda_stream_synchronize(int32_t device, void *stream) {
    DeviceGuard guard;
    labo_status status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    const cudaError_t error = cudaStreamSynchronize(static_cast<cudaStream_t>(stream));
    if (error != cudaSuccess) return report_cuda_error(error, "cudaStreamSynchronize");
    return LABO_STATUS_OK;
}

LABO_API labo_status labo_cuda_device_name(int32_t device, char *buffer, int32_t capacity) {
    if (buffer == nullptr || capacity <= 0) {
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "buffer is NULL or capacity = %d is not positive", capacity);
    }
    buffer[0] = '\0';
    DeviceGuard guard;
    labo_status status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    cudaDeviceProp prop;
    std::memset(&prop, 0, sizeof(prop));
    const cudaError_t error = cudaGetDeviceProperties(&prop, device);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaGetDeviceProperties");
    const size_t n = std::strlen(prop.name);
    const size_t keep = n < static_cast<size_t>(capacity - 1) ? n : static_cast<size_t>(capacity - 1);
    std::memcpy(buffer, prop.name, keep);
    buffer[keep] = '\0';
    return LABO_STATUS_OK;
}

LABO_API labo_status labo_cuda_kernel_path(int32_t device, int32_t dtype, int64_t vocab, const char **out_path) {
    if (out_path == nullptr) return set_error(LABO_STATUS_INVALID_ARGUMENT, "out_path is NULL");
    *out_path = "";
    if (dtype != LABO_DTYPE_FLOAT32 && dtype != LABO_DTYPE_BFLOAT16 && dtype != LABO_DTYPE_FLOAT16) {
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "dtype = %d is not a labo_dtype", dtype);
    }
    if (vocab < 2) {
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "vocab = %lld is below 2", static_cast<long long>(vocab));
    }
    DeviceGuard guard;
    labo_status status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    *out_path = labo::cuda::label_loss_path(static_cast<labo_dtype>(dtype), vocab, device);
    return LABO_STATUS_OK;
}

LABO_API labo_status labo_cuda_time_copy(int32_t device, void *stream, void *dst_device, const void *src_device,
                                         int64_t bytes, int32_t warmup, int32_t repeats, float *times_ms) {
    labo_status status = labo::check_timing(warmup, repeats, times_ms);
    if (status != LABO_STATUS_OK) return status;
    status = labo::check_copy(dst_device, src_device, bytes);
    if (status != LABO_STATUS_OK) return status;
    DeviceGuard guard;
    status = guard.enter(device);
    if (status != LABO_STATUS_OK) return status;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    const size_t n = static_cast<size_t>(bytes);
    for (int32_t i = 0; i < warmup; ++i) {
        const cudaError_t error = cudaMemcpyAsync(dst_device, src_device, n, cudaMemcpyDeviceToDevice, s);
        if (error != cudaSuccess) return report_cuda_error(error, "cudaMemcpyAsync(device to device)");
    }
    labo::EventPairs events;
    status = events.create(repeats);
    if (status != LABO_STATUS_OK) return status;
    for (int32_t i = 0; i < repeats; ++i) {
        cudaError_t error = cudaEventRecord(events.start(i), s);
        if (error == cudaSuccess) error = cudaMemcpyAsync(dst_device, src_device, n, cudaMemcpyDeviceToDevice, s);
        if (error == cudaSuccess) error = cudaEventRecord(events.stop(i), s);
        if (error != cudaSuccess) return report_cuda_error(error, "timed device-to-device copy");
    }
    return events.elapsed(repeats, times_ms);
}

LABO_API labo_status labo_cuda_time_loss(const labo_loss_config *config, const labo_loss_args *args, int32_t warmup,
                                         int32_t repeats, float *times_ms) {
    labo_status status = labo::check_timing(warmup, repeats, times_ms);
    if (status != LABO_STATUS_OK) return status;
    if (config == nullptr || args == nullptr) {
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "%s is NULL", config == nullptr ? "config" : "args");
    }
    if (args->device_type != LABO_DEVICE_CUDA) {
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "args->device_type = %d is not LABO_DEVICE_CUDA",
                         args->device_type);
    }
    DeviceGuard guard;
    status = guard.enter(args->device_index);
    if (status != LABO_STATUS_OK) return status;
    cudaStream_t s = static_cast<cudaStream_t>(args->stream);
    for (int32_t i = 0; i < warmup; ++i) {
        status = labo_loss_forward_backward(config, args);
        if (status != LABO_STATUS_OK) return status;
    }
    labo::EventPairs events;
    status = events.create(repeats);
    if (status != LABO_STATUS_OK) return status;
    for (int32_t i = 0; i < repeats; ++i) {
        cudaError_t error = cudaEventRecord(events.start(i), s);
        if (error != cudaSuccess) return report_cuda_error(error, "cudaEventRecord");
        status = labo_loss_forward_backward(config, args);
        if (status != LABO_STATUS_OK) return status;
        error = cudaEventRecord(events.stop(i), s);
        if (error != cudaSuccess) return report_cuda_error(error, "cudaEventRecord");
    }
    return events.elapsed(repeats, times_ms);
}

}  // extern "C"
