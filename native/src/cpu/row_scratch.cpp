#include "cpu/row_scratch.h"

#include <cstdlib>

namespace labo {
namespace cpu {
namespace {

class ScratchBuffer {
public:
    ~ScratchBuffer() { std::free(data_); }

    float *get(int64_t floats) noexcept {
        if (floats <= capacity_) return data_;
        // Round up to whole cache lines; grow geometrically so alternating sizes do not thrash.
        int64_t want = capacity_ * 2 > floats ? capacity_ * 2 : floats;
        want = (want + 15) / 16 * 16;
        void *fresh = std::aligned_alloc(64, static_cast<size_t>(want) * sizeof(float));
        if (fresh == nullptr) return nullptr;
        std::free(data_);
        data_ = static_cast<float *>(fresh);
        capacity_ = want;
        return data_;
    }

private:
    float *data_ = nullptr;
    int64_t capacity_ = 0;
};

}  // namespace

float *thread_row_scratch(int64_t vocab, int count) noexcept {
    thread_local ScratchBuffer buffer;
    const int64_t stride = scratch_row_stride(vocab);
    if (vocab <= 0 || count <= 0 || stride > (INT64_C(1) << 40) / count) return nullptr;
    return buffer.get(stride * count);
}

}  // namespace cpu
}  // namespace labo
