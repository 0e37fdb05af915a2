// The CUDA backend entry points of loss_problem.h: cuda_loss_forward_backward, cuda_built,
// cuda_device_count.
//
// One call, all on problem.stream:
//   1. checks the device and that every pointer is memory of that device;
//   2. allocates a small stream-ordered workspace (header, per-row losses for MEAN/SUM, partials);
//   3. check_targets_kernel counts the valid rows and flags bad targets in the header, whose copy
//      to pinned host memory is queued behind it (call_readback.cuh);
//   4. the fused loss/gradient kernel (its MEAN scale 1/valid_rows is read on the device);
//   5. for MEAN/SUM, the deterministic two-stage reduction into loss[0];
//   6. the workspace is freed stream-ordered;
//   7. the one wait, for the header's copy alone: a bad target is reported as INVALID_ARGUMENT,
//      and the kernels of 4 and 5 read the same header on the device and write nothing then (no
//      output, no in-place logits change). The kernels run right behind the check; the host does
//      not wait for them.
// With deferred target errors (LABO_TARGET_ERRORS_DEFERRED) there is no copy and no wait: a bad
// target goes to the device's record (target_error_record.cuh) instead, and the call never blocks,
// so that it can be captured into a CUDA graph. A reporting call on a stream being captured is
// refused before anything is enqueued: its wait would invalidate the capture.
#include <cstddef>
#include <cstdint>

#include "call_readback.cuh"
#include "cuda_common.cuh"
#include "launch.cuh"

namespace labo {

namespace {

using cuda::CallHeader;
using cuda::report_cuda_error;

size_t align_up(size_t value, size_t alignment) { return (value + alignment - 1) / alignment * alignment; }

size_t element_size(labo_dtype dtype) {
    switch (dtype) {
        case LABO_DTYPE_FLOAT32:
            return 4;
        case LABO_DTYPE_BFLOAT16:
        case LABO_DTYPE_FLOAT16:
            return 2;
    }
    return 0;
}

// Device memory for one call, allocated and freed in stream order when the device has memory
// pools (cudaMallocAsync), with cudaMalloc/cudaFree otherwise.
class Workspace {
public:
    Workspace() = default;
    Workspace(const Workspace &) = delete;
    Workspace &operator=(const Workspace &) = delete;
    ~Workspace() { (void)release(); }

    labo_status allocate(size_t bytes, int device, cudaStream_t stream) {
        int pools = 0;
        if (cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, device) != cudaSuccess) {
            (void)cudaGetLastError();
            pools = 0;
        }
        stream_ = stream;
        async_ = pools != 0;
        const cudaError_t error = async_ ? cudaMallocAsync(&ptr_, bytes, stream) : cudaMalloc(&ptr_, bytes);
        if (error != cudaSuccess) {
            ptr_ = nullptr;
            (void)cudaGetLastError();
            return set_error(LABO_STATUS_INTERNAL, "cannot allocate the %zu-byte CUDA workspace: %s", bytes,
                             cudaGetErrorString(error));
        }
        return LABO_STATUS_OK;
    }

    labo_status release() {
        if (ptr_ == nullptr) return LABO_STATUS_OK;
        const cudaError_t error = async_ ? cudaFreeAsync(ptr_, stream_) : cudaFree(ptr_);
        ptr_ = nullptr;
        if (error != cudaSuccess) return report_cuda_error(error, "freeing the CUDA workspace");
        return LABO_STATUS_OK;
    }

    unsigned char *bytes() const { return static_cast<unsigned char *>(ptr_); }

private:
    void *ptr_ = nullptr;
    cudaStream_t stream_ = nullptr;
    bool async_ = false;
};

labo_status check_alignment(const void *ptr, size_t alignment, const char *name) {
    if (reinterpret_cast<uintptr_t>(ptr) % alignment != 0) {
        return set_error(LABO_STATUS_INVALID_ARGUMENT, "%s (%p) is not aligned to its %zu-byte element", name, ptr,
                         alignment);
    }
    return LABO_STATUS_OK;
}

// Every pointer of the problem must be memory of the device, aligned to its element.
labo_status check_pointers(const LossProblem &pr, size_t elem) {
    struct Operand {
        const void *ptr;
        const char *name;
        size_t alignment;
        bool required;
    };
    const Operand operands[] = {
        {pr.logits, "logits", elem, true},
        {pr.targets, "targets", sizeof(int64_t), true},
        {pr.grad, "grad", elem, false},
        {pr.loss, "loss", sizeof(float), true},
        {pr.row_temperature, "row_temperature", sizeof(float), false},
        {pr.row_entropy, "row_entropy", sizeof(float), false},
        {pr.row_p_target, "row_p_target", sizeof(float), false},
    };
    for (const Operand &op : operands) {
        if (op.ptr == nullptr && !op.required) continue;
        labo_status status = cuda::check_device_pointer(op.ptr, op.name, pr.device_index);
        if (status != LABO_STATUS_OK) return status;
        status = check_alignment(op.ptr, op.alignment, op.name);
        if (status != LABO_STATUS_OK) return status;
    }
    return LABO_STATUS_OK;
}

}  // namespace

bool cuda_built() { return true; }

int cuda_device_count() {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
        (void)cudaGetLastError();
        return 0;
    }
    return count < 0 ? 0 : count;
}

labo_status cuda_loss_forward_backward(const LossProblem &pr) {
    cuda::DeviceGuard guard;
    labo_status status = guard.enter(pr.device_index);
    if (status != LABO_STATUS_OK) return status;
    (void)cudaGetLastError();  // an earlier, unrelated launch error must not be reported as ours

    const size_t elem = element_size(pr.dtype);
    if (elem == 0) {
        return set_error(LABO_STATUS_UNSUPPORTED, "dtype %d is not supported by the CUDA backend",
                         static_cast<int>(pr.dtype));
    }
    cudaStream_t stream = static_cast<cudaStream_t>(pr.stream);
    const bool reduced = pr.reduction != LABO_REDUCTION_NONE;
    if (pr.rows <= 0) {
        // No rows: the other operands may be NULL; MEAN and SUM are 0.
        if (!reduced) return LABO_STATUS_OK;
        status = cuda::check_device_pointer(pr.loss, "loss", pr.device_index);
        if (status != LABO_STATUS_OK) return status;
        const cudaError_t error = cudaMemsetAsync(pr.loss, 0, sizeof(float), stream);  // 0.0f
        if (error != cudaSuccess) return report_cuda_error(error, "cudaMemsetAsync(loss)");
        return LABO_STATUS_OK;
    }
    status = check_pointers(pr, elem);
    if (status != LABO_STATUS_OK) return status;
    const bool deferred = pr.target_errors == LABO_TARGET_ERRORS_DEFERRED;
    if (!deferred) {
        cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
        const cudaError_t error = cudaStreamIsCapturing(stream, &capture);
        if (error != cudaSuccess) return report_cuda_error(error, "cudaStreamIsCapturing");
        if (capture != cudaStreamCaptureStatusNone) {
            return set_error(LABO_STATUS_INVALID_ARGUMENT,
                             "the stream is being captured into a CUDA graph, and a call that reports target "
                             "errors waits on the host for its target check, which a capture cannot hold: use "
                             "target_errors = LABO_TARGET_ERRORS_DEFERRED (labo_cuda_take_target_error reports "
                             "a bad target after the replay)");
        }
    }

    // Workspace: [header | row losses (MEAN/SUM) | first-stage partials (MEAN/SUM)].
    const size_t rows = static_cast<size_t>(pr.rows);
    const size_t header_bytes = 256;
    const size_t row_loss_offset = header_bytes;
    const size_t partials_offset = reduced ? align_up(row_loss_offset + rows * sizeof(float), 256) : header_bytes;
    const size_t total_bytes = reduced ? partials_offset + cuda::kMaxReducePartials * sizeof(double) : header_bytes;
    Workspace workspace;
    status = workspace.allocate(total_bytes, pr.device_index, stream);
    if (status != LABO_STATUS_OK) return status;
    auto *header = reinterpret_cast<CallHeader *>(workspace.bytes());

    cudaError_t error = cudaMemsetAsync(header, 0, sizeof(CallHeader), stream);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaMemsetAsync(workspace)");

    // Target check and the header's way back (or, deferred, the device's record); the kernels
    // follow without waiting for it.
    cuda::CallReadback readback;
    cuda::TargetErrorRecord *record = nullptr;
    status = deferred ? cuda::target_error_record(pr.device_index, &record) : readback.acquire(pr.device_index);
    if (status != LABO_STATUS_OK) return status;
    status = cuda::launch_check_targets(pr.targets, pr.rows, pr.vocab, pr.ignore_index, header, stream);
    if (status != LABO_STATUS_OK) return status;
    status = deferred ? cuda::launch_record_target_error(header, pr.targets, pr.rows, pr.vocab, pr.ignore_index,
                                                         record, stream)
                      : readback.start(header, stream);
    if (status != LABO_STATUS_OK) return status;

    // The fused kernel.
    cuda::LossKernelParams params{};
    params.logits = pr.logits;
    params.logits_stride = pr.logits_row_stride;
    params.grad = pr.grad;
    params.grad_stride = pr.grad_row_stride;
    params.targets = pr.targets;
    params.rows = pr.rows;
    params.vocab = pr.vocab;
    params.ignore_index = pr.ignore_index;
    params.row_loss = reduced ? reinterpret_cast<float *>(workspace.bytes() + row_loss_offset) : pr.loss;
    params.row_temperature = pr.row_temperature;
    params.row_entropy = pr.row_entropy;
    params.row_p_target = pr.row_p_target;
    params.valid_rows = &header->valid_rows;
    params.refused = &header->bad_key;
    params.smoothing = pr.smoothing;
    params.temperature_rule = pr.temperature_rule;
    params.reduction = pr.reduction;
    params.max_iterations = pr.max_newton_iterations > 0 ? pr.max_newton_iterations : kDefaultMaxNewtonIterations;
    params.alpha = pr.smoothing == LABO_SMOOTHING_NONE ? 0.f : pr.alpha;
    params.temperature = pr.temperature;
    double beta_fixed = pr.temperature > 0.f ? 1.0 / static_cast<double>(pr.temperature) : 1.0;
    if (beta_fixed > 3.0e38) beta_fixed = 3.0e38;  // as the CPU kernel: finite in fp32
    params.beta_fixed = static_cast<float>(beta_fixed);
    params.budget_epsilon = pr.budget_epsilon;
    status = cuda::launch_label_loss(params, pr.dtype, pr.device_index, stream);
    if (status != LABO_STATUS_OK) return status;

    if (reduced) {
        status = cuda::launch_reduce_loss(params.row_loss, pr.rows, header, pr.reduction,
                                          reinterpret_cast<double *>(workspace.bytes() + partials_offset), pr.loss,
                                          stream);
        if (status != LABO_STATUS_OK) return status;
    }
    status = workspace.release();
    if (status != LABO_STATUS_OK || deferred) return status;

    // The one wait: the target check's verdict.
    CallHeader host_header{};
    status = readback.wait(&host_header);
    if (status != LABO_STATUS_OK) return status;
    if (host_header.bad_key != 0ull) {
        const int64_t row = pr.rows - static_cast<int64_t>(host_header.bad_key);
        int64_t target = 0;
        error = cudaMemcpyAsync(&target, pr.targets + row, sizeof(int64_t), cudaMemcpyDeviceToHost, stream);
        if (error == cudaSuccess) error = cudaStreamSynchronize(stream);
        if (error != cudaSuccess) return report_cuda_error(error, "cudaMemcpy(bad target)");
        return bad_target_error(row, target, pr.vocab, pr.ignore_index);
    }
    return LABO_STATUS_OK;
}

}  // namespace labo
