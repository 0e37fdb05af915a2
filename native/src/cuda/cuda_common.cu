// Host-side helpers of the CUDA backend: error reporting, the device guard, pointer checks.
#include "cuda_common.cuh"

namespace labo {
namespace cuda {

namespace {

bool is_no_device_error(cudaError_t error) {
    return error == cudaErrorNoDevice || error == cudaErrorInsufficientDriver ||
           error == cudaErrorInitializationError || error == cudaErrorCompatNotSupportedOnDevice ||
           error == cudaErrorSystemDriverMismatch;
}

}  // namespace

labo_status report_cuda_error(cudaError_t error, const char *what) {
    (void)cudaGetLastError();  // clear a non-sticky error so that it is not reported twice
    if (is_no_device_error(error)) {
        return set_error(LABO_STATUS_NO_CUDA_DEVICE, "%s: no usable CUDA driver or device: %s (%s)", what,
                         cudaGetErrorString(error), cudaGetErrorName(error));
    }
    return set_error(LABO_STATUS_CUDA_ERROR, "%s failed: %s (%s)", what, cudaGetErrorString(error),
                     cudaGetErrorName(error));
}

labo_status check_launch(const char *what) {
    const cudaError_t error = cudaGetLastError();
    if (error != cudaSuccess) return report_cuda_error(error, what);
    return LABO_STATUS_OK;
}

DeviceGuard::~DeviceGuard() {
    if (switched_) (void)cudaSetDevice(previous_);
}

labo_status DeviceGuard::enter(int device) {
    int count = 0;
    cudaError_t error = cudaGetDeviceCount(&count);
    if (error != cudaSuccess || count <= 0) {
        (void)cudaGetLastError();
        return set_error(LABO_STATUS_NO_CUDA_DEVICE, "no CUDA device available: %s",
                         error != cudaSuccess ? cudaGetErrorString(error) : "the driver reports 0 devices");
    }
    if (device < 0 || device >= count) {
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "device_index %d is out of range: this machine has %d CUDA device(s)",
                         device, count);
    }
    int current = -1;
    error = cudaGetDevice(&current);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaGetDevice");
    if (current != device) {
        error = cudaSetDevice(device);
        if (error != cudaSuccess) return report_cuda_error(error, "cudaSetDevice");
        previous_ = current;
        switched_ = true;
    }
    return LABO_STATUS_OK;
}

labo_status check_device_pointer(const void *ptr, const char *name, int device) {
    if (ptr == nullptr) {
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "%s is NULL", name);
    }
    cudaPointerAttributes attributes{};
    const cudaError_t error = cudaPointerGetAttributes(&attributes, ptr);
    if (error != cudaSuccess) {
        (void)cudaGetLastError();
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "%s (%p) is not a CUDA device pointer: %s", name, ptr,
                         cudaGetErrorString(error));
    }
    switch (attributes.type) {
        case cudaMemoryTypeManaged:
            return LABO_STATUS_OK;
        case cudaMemoryTypeDevice:
            if (attributes.device != device) {
                return set_error(LABO_STATUS_INVALID_ARGUMENT,
                                 "%s (%p) is memory of CUDA device %d, but device_index is %d", name, ptr,
                                 attributes.device, device);
            }
            return LABO_STATUS_OK;
        case cudaMemoryTypeHost:
            return set_error(LABO_STATUS_INVALID_ARGUMENT,
                             "%s (%p) is page-locked host memory, not CUDA device memory", name, ptr);
        default:
            return set_error(LABO_STATUS_INVALID_ARGUMENT, "%s (%p) is host memory, not CUDA device memory", name,
                             ptr);
    }
}

}  // namespace cuda
}  // namespace labo
