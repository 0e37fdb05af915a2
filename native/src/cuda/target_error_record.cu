// The per-device records of deferred target errors (target_error_record.cuh).
#include "target_error_record.cuh"

#include <cstdio>
#include <map>
#include <mutex>

#include "cuda_common.cuh"

namespace labo {
namespace cuda {

namespace {

// Never destroyed, like the records themselves, so that it stays usable from static destructors.
std::mutex &records_mutex() {
    static std::mutex *mutex = new std::mutex();
    return *mutex;
}
std::map<int, TargetErrorRecord *> &records() {
    static auto *by_device = new std::map<int, TargetErrorRecord *>();
    return *by_device;
}

}  // namespace

labo_status target_error_record(int device, TargetErrorRecord **out) {
    *out = nullptr;
    const std::lock_guard<std::mutex> lock(records_mutex());
    std::map<int, TargetErrorRecord *> &by_device = records();
    const auto found = by_device.find(device);
    if (found != by_device.end()) {
        *out = found->second;
        return LABO_STATUS_OK;
    }
    // The first use may come from a call being captured into a CUDA graph. Capture forbids
    // allocations and waits in the capturing thread (and a capture in another thread forbids them
    // in every thread) unless the thread relaxes its capture mode, and the legacy default stream
    // would join or break the capture: so the record is allocated in relaxed mode and zeroed on a
    // stream of its own, outside any capture, before the call that needs it is enqueued.
    cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
    cudaError_t error = cudaThreadExchangeStreamCaptureMode(&mode);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaThreadExchangeStreamCaptureMode");
    void *record = nullptr;
    cudaStream_t zeroing = nullptr;
    error = cudaMalloc(&record, sizeof(TargetErrorRecord));
    const char *what = "cudaMalloc(target error record)";
    if (error == cudaSuccess) {
        what = "zeroing the target error record";
        error = cudaStreamCreateWithFlags(&zeroing, cudaStreamNonBlocking);
        if (error == cudaSuccess) error = cudaMemsetAsync(record, 0, sizeof(TargetErrorRecord), zeroing);
        if (error == cudaSuccess) error = cudaStreamSynchronize(zeroing);
        if (zeroing != nullptr) (void)cudaStreamDestroy(zeroing);
        if (error != cudaSuccess) (void)cudaFree(record);
    }
    (void)cudaThreadExchangeStreamCaptureMode(&mode);  // the thread's own mode back
    if (error != cudaSuccess) return report_cuda_error(error, what);
    *out = static_cast<TargetErrorRecord *>(record);
    by_device.emplace(device, *out);
    return LABO_STATUS_OK;
}

labo_status take_target_error(int device) {
    TargetErrorRecord *record = nullptr;
    labo_status status = target_error_record(device, &record);
    if (status != LABO_STATUS_OK) return status;
    cudaError_t error = cudaDeviceSynchronize();
    if (error != cudaSuccess) return report_cuda_error(error, "cudaDeviceSynchronize");
    TargetErrorRecord seen{};
    error = cudaMemcpyAsync(&seen, record, sizeof seen, cudaMemcpyDeviceToHost, nullptr);
    if (error == cudaSuccess) error = cudaStreamSynchronize(nullptr);
    if (error != cudaSuccess) return report_cuda_error(error, "reading the target error record");
    if (seen.taken == 0ull) return LABO_STATUS_OK;
    error = cudaMemsetAsync(record, 0, sizeof(TargetErrorRecord), nullptr);
    if (error == cudaSuccess) error = cudaStreamSynchronize(nullptr);
    if (error != cudaSuccess) return report_cuda_error(error, "clearing the target error record");
    char context[96];
    std::snprintf(context, sizeof context, " (a call with deferred target errors on CUDA device %d; it wrote nothing)",
                  device);
    return bad_target_error(seen.row, seen.target, seen.vocab, seen.ignore_index, context);
}

}  // namespace cuda
}  // namespace labo
