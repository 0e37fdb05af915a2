// The host's view of a call's CallHeader (launch.cuh) without stalling the device: a pinned host
// copy of the header and an event behind that copy. A call queues the target check, the copy and
// the event, then its loss kernels (which read the header on the device and write nothing when a
// target was bad), and only then waits, for the event alone: the kernels run back to back with
// the check instead of after a host round trip, and the call still reports a bad target before
// it returns. Slots (pinned memory + event) are pooled per device and reused: making one costs
// far more than a call.
#ifndef LABO_SRC_CUDA_CALL_READBACK_CUH_
#define LABO_SRC_CUDA_CALL_READBACK_CUH_

#include <cuda_runtime.h>

#include "launch.cuh"

namespace labo {
namespace cuda {

class CallReadback {
public:
    CallReadback() = default;
    CallReadback(const CallReadback &) = delete;
    CallReadback &operator=(const CallReadback &) = delete;
    ~CallReadback();  // gives the slot back to the pool (after its copy, if one is in flight)

    // Takes a free slot of `device` (the current device), making one if there is none.
    labo_status acquire(int device);
    // Queues on `stream` the copy of *device_header into the slot and the event behind it.
    labo_status start(const CallHeader *device_header, cudaStream_t stream);
    // Waits for that copy (not for later work on the stream) and returns the header.
    labo_status wait(CallHeader *header);

    struct Slot;

private:
    Slot *slot_ = nullptr;
    bool in_flight_ = false;  // started and not waited for
};

}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_CALL_READBACK_CUH_
