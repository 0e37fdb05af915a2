// CallReadback's pool of pinned header copies and events (call_readback.cuh).
#include "call_readback.cuh"

#include <mutex>
#include <vector>

#include "cuda_common.cuh"

namespace labo {
namespace cuda {

struct CallReadback::Slot {
    int device;
    CallHeader *host;     // pinned (cudaHostAlloc), so that the copy is asynchronous
    cudaEvent_t landed;   // recorded right after the copy
};

namespace {

// The free slots of every device. Slots live until the process ends (never freed: the pool is
// as large as the most calls ever in flight at once, a few pinned pages and events), so the pool
// is never destroyed either, which keeps it usable from other static destructors.
std::mutex &pool_mutex() {
    static std::mutex *mutex = new std::mutex();
    return *mutex;
}
std::vector<CallReadback::Slot *> &free_slots() {
    static auto *slots = new std::vector<CallReadback::Slot *>();
    return *slots;
}

}  // namespace

CallReadback::~CallReadback() {
    if (slot_ == nullptr) return;
    // A call that failed between start() and wait(): the copy must land before another call
    // reuses the pinned header.
    if (in_flight_) (void)cudaEventSynchronize(slot_->landed);
    const std::lock_guard<std::mutex> lock(pool_mutex());
    free_slots().push_back(slot_);
}

labo_status CallReadback::acquire(int device) {
    {
        const std::lock_guard<std::mutex> lock(pool_mutex());
        std::vector<Slot *> &slots = free_slots();
        for (size_t i = 0; i < slots.size(); ++i) {
            if (slots[i]->device == device) {
                slot_ = slots[i];
                slots[i] = slots.back();
                slots.pop_back();
                return LABO_STATUS_OK;
            }
        }
    }
    void *host = nullptr;
    cudaError_t error = cudaHostAlloc(&host, sizeof(CallHeader), cudaHostAllocPortable);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaHostAlloc(call header)");
    cudaEvent_t landed = nullptr;
    error = cudaEventCreateWithFlags(&landed, cudaEventDisableTiming);
    if (error != cudaSuccess) {
        const labo_status status = report_cuda_error(error, "cudaEventCreateWithFlags(call header)");
        (void)cudaFreeHost(host);
        return status;
    }
    slot_ = new Slot{device, static_cast<CallHeader *>(host), landed};
    return LABO_STATUS_OK;
}

labo_status CallReadback::start(const CallHeader *device_header, cudaStream_t stream) {
    cudaError_t error = cudaMemcpyAsync(slot_->host, device_header, sizeof(CallHeader), cudaMemcpyDeviceToHost, stream);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaMemcpyAsync(call header)");
    error = cudaEventRecord(slot_->landed, stream);
    if (error != cudaSuccess) {
        (void)cudaStreamSynchronize(stream);  // the copy may be queued: let it land before reuse
        return report_cuda_error(error, "cudaEventRecord(call header)");
    }
    in_flight_ = true;
    return LABO_STATUS_OK;
}

labo_status CallReadback::wait(CallHeader *header) {
    const cudaError_t error = cudaEventSynchronize(slot_->landed);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaEventSynchronize(call header)");
    in_flight_ = false;
    *header = *slot_->host;
    return LABO_STATUS_OK;
}

}  // namespace cuda
}  // namespace labo
