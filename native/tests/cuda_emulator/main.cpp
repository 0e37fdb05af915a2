// labo_cuda_emulator_test: the CUDA backend's kernels (native/src/cuda), run by the CPU emulator,
// against an fp64 reference of METHOD.md and against the CPU kernel. Inputs are fresh random numbers
// each run; the seed is printed and can be given back:
//   labo_cuda_emulator_test [--seed N]        (or LABO_CUDA_EMULATOR_SEED=N)
// The last line is "<passed> passed, <failed> failed"; the exit status is 0 only without failures.
#include <chrono>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "emulator.h"
#include "loss_problem.h"
#include "test_support.h"

namespace labo {
std::string emutest_last_error;
// The library's api.cpp is not linked: the backends report errors here.
labo_status set_error(labo_status status, const char *format, ...) {
    char message[1024];
    va_list args;
    va_start(args, format);
    std::vsnprintf(message, sizeof message, format, args);
    va_end(args);
    emutest_last_error = message;
    return status;
}
}  // namespace labo

namespace emutest {
namespace {
std::string current_case;
int current_failures = 0;
int passed = 0;
int failed = 0;
int printed = 0;
constexpr int kMaxPrinted = 60;
}  // namespace

void begin_case(const std::string &name) {
    current_case = name;
    current_failures = 0;
}
void end_case() {
    if (current_failures == 0) {
        ++passed;
    } else {
        ++failed;
        std::printf("FAILED %s (%d failed checks)\n", current_case.c_str(), current_failures);
    }
}
void check(bool ok, const char *format, ...) {
    if (ok) return;
    ++current_failures;
    if (current_failures > 3 || ++printed > kMaxPrinted) return;
    char message[1024];
    va_list args;
    va_start(args, format);
    std::vsnprintf(message, sizeof message, format, args);
    va_end(args);
    std::printf("  %s: %s\n", current_case.c_str(), message);
}
int cases_passed() { return passed; }
int cases_failed() { return failed; }
const std::string &last_error() { return labo::emutest_last_error; }

uint64_t case_seed(uint64_t run_seed, uint64_t group, uint64_t index) {
    std::seed_seq seq{static_cast<uint32_t>(run_seed), static_cast<uint32_t>(run_seed >> 32),
                      static_cast<uint32_t>(group), static_cast<uint32_t>(index)};
    uint32_t out[2];
    seq.generate(out, out + 2);
    return (static_cast<uint64_t>(out[0]) << 32) | out[1];
}

DeviceBuffer::DeviceBuffer(size_t bytes, unsigned char fill) : bytes_(bytes) {
    data_ = std::aligned_alloc(256, (bytes + 255) / 256 * 256 + 256);
    if (data_ == nullptr) std::abort();
    std::memset(data_, fill, bytes);
    emu::register_device_memory(data_, bytes);
}
DeviceBuffer::~DeviceBuffer() {
    emu::unregister_device_memory(data_);
    std::free(data_);
}

size_t element_size(labo_dtype dtype) { return dtype == LABO_DTYPE_FLOAT32 ? 4 : 2; }

namespace {
uint16_t to_bf16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return static_cast<uint16_t>(u >> 16);
}
float from_bf16(uint16_t b) {
    const uint32_t u = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
// IEEE half, round to nearest even (finite inputs, subnormals included; overflow to inf).
uint16_t to_f16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    x &= 0x7fffffffu;
    if (x > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);
    if (x >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to >= 65520: inf
    if (x < 0x38800000u) {                                                // subnormal half
        if (x < 0x33000000u) return sign;                                 // below half of the smallest
        const uint32_t mant = (x & 0x7fffffu) | 0x800000u;
        const int shift = 126 - static_cast<int>(x >> 23);  // 14 .. 24
        const uint32_t half = mant >> shift;
        const uint32_t rest = mant & ((1u << shift) - 1u);
        const uint32_t mid = 1u << (shift - 1);
        const uint32_t rounded = half + ((rest > mid || (rest == mid && (half & 1u))) ? 1u : 0u);
        return static_cast<uint16_t>(sign | rounded);
    }
    const uint32_t rounded = x + 0xfffu + ((x >> 13) & 1u) - 0x38000000u;
    return static_cast<uint16_t>(sign | (rounded >> 13));
}
float from_f16(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t mant = h & 0x3ffu;
    float f;
    if (exp == 0) {
        f = static_cast<float>(mant) * 5.9604644775390625e-8f;  // 2^-24
        return sign ? -f : f;
    }
    const uint32_t u = sign | (exp == 31 ? (0xffu << 23) | (mant << 13) : ((exp + 112u) << 23) | (mant << 13));
    std::memcpy(&f, &u, 4);
    return f;
}
}  // namespace

float put_element(void *base, int64_t index, labo_dtype dtype, float v) {
    if (dtype == LABO_DTYPE_FLOAT32) {
        static_cast<float *>(base)[index] = v;
    } else {
        static_cast<uint16_t *>(base)[index] = dtype == LABO_DTYPE_BFLOAT16 ? to_bf16(v) : to_f16(v);
    }
    return get_element(base, index, dtype);
}
float get_element(const void *base, int64_t index, labo_dtype dtype) {
    if (dtype == LABO_DTYPE_FLOAT32) return static_cast<const float *>(base)[index];
    const uint16_t raw = static_cast<const uint16_t *>(base)[index];
    return dtype == LABO_DTYPE_BFLOAT16 ? from_bf16(raw) : from_f16(raw);
}
const char *dtype_name(labo_dtype dtype) {
    return dtype == LABO_DTYPE_FLOAT32 ? "fp32" : dtype == LABO_DTYPE_BFLOAT16 ? "bf16" : "fp16";
}

}  // namespace emutest

int main(int argc, char **argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // keep the output up to a crash
    uint64_t seed = 0;
    bool seeded = false;
    if (const char *env = std::getenv("LABO_CUDA_EMULATOR_SEED")) {
        seed = std::strtoull(env, nullptr, 10);
        seeded = true;
    }
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = std::strtoull(argv[++i], nullptr, 10);
            seeded = true;
        } else {
            std::fprintf(stderr, "usage: %s [--seed N]\n", argv[0]);
            return 2;
        }
    }
    if (!seeded) {
        std::random_device device;
        seed = (static_cast<uint64_t>(device()) << 32 | device()) % 1000000000000ull;
    }
    std::printf("labo_cuda_emulator_test: seed %" PRIu64 " (rerun: labo_cuda_emulator_test --seed %" PRIu64 ")\n",
                seed, seed);
    std::fflush(stdout);
    emu::set_schedule_seed(seed | 1u);

    auto timed = [](const char *group, auto &&run) {
        const auto start = std::chrono::steady_clock::now();
        const int failed_before = emutest::cases_failed(), passed_before = emutest::cases_passed();
        run();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("-- %s: %d cases, %d failed, %.1f s\n", group,
                    emutest::cases_passed() - passed_before + emutest::cases_failed() - failed_before,
                    emutest::cases_failed() - failed_before, seconds);
    };
    timed("emulator self-test", [] { run_emulator_selftest(); });
    timed("errors", [] { run_error_tests(); });
    timed("reference", [seed] { run_reference_tests(seed); });
    timed("parity with the CPU kernel", [seed] { run_parity_tests(seed); });
    timed("L2 prefetch of the next row", [seed] { run_prefetch_tests(seed); });

    std::printf("%lld kernel launches emulated; seed %" PRIu64 "\n", emu::kernel_launches(), seed);
    std::printf("%d passed, %d failed\n", emutest::cases_passed(), emutest::cases_failed());
    return emutest::cases_failed() == 0 ? 0 : 1;
}
