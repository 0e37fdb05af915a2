// The CUDA backend of a build without nvcc: no devices, every CUDA call answers
// LABO_STATUS_NO_CUDA_DEVICE ("labo4j was built without CUDA").
#include "labo/labo_cuda.h"

#include "../loss_problem.h"

namespace labo {

namespace {

constexpr const char *kNoCudaMessage = "labo4j was built without CUDA";

labo_status no_cuda() { return set_error(LABO_STATUS_NO_CUDA_DEVICE, "%s", kNoCudaMessage); }

}  // namespace

labo_status cuda_loss_forward_backward(const LossProblem & /*problem*/) { return no_cuda(); }

bool cuda_built() { return false; }

int cuda_device_count() { return 0; }

}  // namespace labo

extern "C" {

LABO_API labo_status labo_cuda_malloc(int32_t /*device*/, int64_t /*bytes*/, void **out) {
    if (out != nullptr) *out = nullptr;
    return labo::no_cuda();
}

LABO_API labo_status labo_cuda_free(int32_t /*device*/, void * /*ptr*/) { return labo::no_cuda(); }

LABO_API labo_status labo_cuda_memcpy_h2d(int32_t /*device*/, void * /*dst_device*/, const void * /*src_host*/,
                                         int64_t /*bytes*/) {
    return labo::no_cuda();
}

LABO_API labo_status labo_cuda_memcpy_d2h(int32_t /*device*/, void * /*dst_host*/, const void * /*src_device*/,
                                         int64_t /*bytes*/) {
    return labo::no_cuda();
}

LABO_API labo_status labo_cuda_memcpy_d2d(int32_t /*device*/, void * /*dst_device*/, const void * /*src_device*/,
                                         int64_t /*bytes*/) {
    return labo::no_cuda();
}

LABO_API labo_status labo_cuda_memset(int32_t /*device*/, void * /*dst_device*/, int32_t /*value*/,
                                      int64_t /*bytes*/) {
    return labo::no_cuda();
}

LABO_API labo_status labo_cuda_synchronize(int32_t /*device*/) { return labo::no_cuda(); }

LABO_API labo_status labo_cuda_take_target_error(int32_t /*device*/) { return labo::no_cuda(); }

LABO_API labo_status labo_cuda_stream_create(int32_t /*device*/, void **out_stream) {
    if (out_stream != nullptr) *out_stream = nullptr;
    return labo::no_cuda();
}

LABO_API labo_status labo_cuda_stream_destroy(int32_t /*device*/, void * /*stream*/) { return labo::no_cuda(); }

LABO_API labo_status labo_cuda_stream_synchronize(int32_t /*device*/, void * /*stream*/) { return labo::no_cuda(); }

LABO_API labo_status labo_cuda_device_name(int32_t /*device*/, char *buffer, int32_t capacity) {
    if (buffer != nullptr && capacity > 0) buffer[0] = '\0';
    return labo::no_cuda();
}

LABO_API labo_status labo_cuda_kernel_path(int32_t /*device*/, int32_t /*dtype*/, int64_t /*vocab*/,
                                           const char **out_path) {
    if (out_path != nullptr) *out_path = "";
    return labo::no_cuda();
}

LABO_API labo_status labo_cuda_time_copy(int32_t /*device*/, void * /*stream*/, void * /*dst_device*/,
                                         const void * /*src_device*/, int64_t /*bytes*/, int32_t /*warmup*/,
                                         int32_t /*repeats*/, float * /*times_ms*/) {
    return labo::no_cuda();
}

LABO_API labo_status labo_cuda_time_loss(const labo_loss_config * /*config*/, const labo_loss_args * /*args*/,
                                         int32_t /*warmup*/, int32_t /*repeats*/, float * /*times_ms*/) {
    return labo::no_cuda();
}

}  // extern "C"
