// The per-device records of deferred target errors (target_error_record.cuh).
#include "target_error_record.cuh"

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
    void *record = nullptr;
    cudaError_t error = cudaMalloc(&record, sizeof(TargetErrorRecord));
    if (error != cudaSuccess) return report_cuda_error(error, "cudaMalloc(target error record)");
    // Zeroed before any call can use it: the legacy default stream waits for the copy.
    error = cudaMemsetAsync(record, 0, sizeof(TargetErrorRecord), nullptr);
    if (error == cudaSuccess) error = cudaStreamSynchronize(nullptr);
    if (error != cudaSuccess) {
        (void)cudaFree(record);
        return report_cuda_error(error, "zeroing the target error record");
    }
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
    return set_error(LABO_STATUS_INVALID_ARGUMENT,
                     "targets[%lld] = %lld is outside [0, %lld) and is not ignore_index (%lld) "
                     "(a call with deferred target errors on CUDA device %d; it wrote nothing)",
                     seen.row, seen.target, seen.vocab, seen.ignore_index, device);
}

}  // namespace cuda
}  // namespace labo
