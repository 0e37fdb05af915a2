// Shared pieces of the CUDA emulator tests: case bookkeeping, device buffers, dtype conversions.
#ifndef LABO_TESTS_CUDA_EMULATOR_TEST_SUPPORT_H_
#define LABO_TESTS_CUDA_EMULATOR_TEST_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "labo/labo.h"

namespace emutest {

// ---- cases -------------------------------------------------------------------------------------
// A case passes when none of its checks fails. Failed checks are printed (a bounded number).
void begin_case(const std::string &name);
void end_case();
void check(bool ok, const char *format, ...) __attribute__((format(printf, 2, 3)));
int cases_passed();
int cases_failed();

// The message of the last labo::set_error() (the tests provide set_error).
const std::string &last_error();

// Seed of case `index` of a test group, derived from the run's seed.
uint64_t case_seed(uint64_t run_seed, uint64_t group, uint64_t index);

// ---- device memory -----------------------------------------------------------------------------
// `bytes` of 256-byte aligned host memory registered as device memory (exactly `bytes`: a 16-byte
// access beyond the end is a fault), filled with `fill`.
class DeviceBuffer {
public:
    explicit DeviceBuffer(size_t bytes, unsigned char fill = 0x5A);
    ~DeviceBuffer();
    DeviceBuffer(const DeviceBuffer &) = delete;
    DeviceBuffer &operator=(const DeviceBuffer &) = delete;
    void *data() const { return data_; }
    size_t size() const { return bytes_; }
    unsigned char *bytes() const { return static_cast<unsigned char *>(data_); }

private:
    void *data_;
    size_t bytes_;
};

// ---- dtypes ------------------------------------------------------------------------------------
size_t element_size(labo_dtype dtype);
// Stores v rounded to the dtype (nearest even); returns the stored value.
float put_element(void *base, int64_t index, labo_dtype dtype, float v);
float get_element(const void *base, int64_t index, labo_dtype dtype);
const char *dtype_name(labo_dtype dtype);

}  // namespace emutest

// Test groups (each file one), run by main.cpp.
void run_reference_tests(uint64_t seed);
void run_emulator_selftest();
void run_error_tests();
void run_parity_tests(uint64_t seed);
void run_prefetch_tests(uint64_t seed);

#endif  // LABO_TESTS_CUDA_EMULATOR_TEST_SUPPORT_H_
