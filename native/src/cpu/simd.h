// A small float-vector layer for the CPU kernel, in the spirit of ATen's Vectorized<T>.
//
// This header is compiled once per instruction set (see cmake/LaboCpuDispatch.cmake): the build
// defines LABO_CPU_ISA_AVX512, LABO_CPU_ISA_AVX2 or neither (portable scalar code), and
// LABO_CPU_ISA_NS, the namespace every definition lives in. Keeping each ISA's inline functions
// in their own namespace, and away from the standard library's inline templates, guarantees the
// linker never merges an AVX-512 copy of a function into code that runs on an older CPU.
#ifndef LABO_SRC_CPU_SIMD_H_
#define LABO_SRC_CPU_SIMD_H_

#include <cstdint>
#include <cstring>

#if defined(LABO_CPU_ISA_AVX512) || defined(LABO_CPU_ISA_AVX2)
#include <immintrin.h>
#endif

#ifndef LABO_CPU_ISA_NS
#error "LABO_CPU_ISA_NS must name the namespace of this instruction set"
#endif

#define LABO_INLINE inline __attribute__((always_inline))

namespace labo {
namespace cpu {
namespace LABO_CPU_ISA_NS {

// Storage types of half-precision logits; arithmetic is always fp32.
struct bf16 { uint16_t bits; };
struct f16 { uint16_t bits; };

// ---------------------------------------------------------------------------------------------
// Scalar conversions (used for row tails and by the portable build).

LABO_INLINE uint32_t float_bits(float x) { uint32_t u; std::memcpy(&u, &x, 4); return u; }
LABO_INLINE float bits_float(uint32_t u) { float x; std::memcpy(&x, &u, 4); return x; }

LABO_INLINE float to_float(float x) { return x; }
LABO_INLINE float to_float(bf16 x) { return bits_float(static_cast<uint32_t>(x.bits) << 16); }
LABO_INLINE float to_float(f16 x) {
    // IEEE binary16 -> binary32, exact, including subnormals, infinities and NaN.
    const uint32_t sign = static_cast<uint32_t>(x.bits & 0x8000u) << 16;
    const uint32_t exponent = (x.bits >> 10) & 0x1Fu;
    uint32_t mantissa = x.bits & 0x3FFu;
    if (exponent == 0x1F) return bits_float(sign | 0x7F800000u | (mantissa << 13));
    if (exponent != 0) return bits_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    if (mantissa == 0) return bits_float(sign);
    int e = -1;  // normalise the subnormal
    do { ++e; mantissa <<= 1; } while ((mantissa & 0x400u) == 0);
    return bits_float(sign | ((112u - static_cast<uint32_t>(e)) << 23) | ((mantissa & 0x3FFu) << 13));
}

LABO_INLINE void store_scalar(float *p, float x) { *p = x; }
LABO_INLINE void store_scalar(bf16 *p, float x) {
    // Round to nearest even; keep NaN a quiet NaN.
    const uint32_t u = float_bits(x);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) { p->bits = static_cast<uint16_t>((u >> 16) | 0x40u); return; }
    p->bits = static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}
LABO_INLINE void store_scalar(f16 *p, float x) {
    // binary32 -> binary16, round to nearest even, overflow to infinity, NaN kept quiet.
    const uint32_t u = float_bits(x);
    const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
    const uint32_t a = u & 0x7FFFFFFFu;
    if (a > 0x7F800000u) { p->bits = static_cast<uint16_t>(sign | 0x7E00u); return; }
    if (a >= 0x477FF000u) { p->bits = static_cast<uint16_t>(sign | 0x7C00u); return; }  // rounds to >= 65520
    if (a < 0x38800000u) {  // below the smallest normal half: subnormal or zero
        if (a < 0x33000000u) { p->bits = sign; return; }  // < 2^-25 rounds to zero
        const uint32_t exponent = a >> 23;
        const uint32_t mantissa = (a & 0x7FFFFFu) | 0x800000u;
        const uint32_t shift = 126u - exponent;  // 14..24
        uint32_t h = mantissa >> shift;
        const uint32_t rest = mantissa & ((1u << shift) - 1u);
        const uint32_t half = 1u << (shift - 1u);
        if (rest > half || (rest == half && (h & 1u))) ++h;
        p->bits = static_cast<uint16_t>(sign | h);
        return;
    }
    uint32_t h = ((a >> 13) - (112u << 10));
    const uint32_t rest = a & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;
    p->bits = static_cast<uint16_t>(sign | h);
}

LABO_INLINE float load_scalar(const float *p) { return *p; }
LABO_INLINE float load_scalar(const bf16 *p) { return to_float(*p); }
LABO_INLINE float load_scalar(const f16 *p) { return to_float(*p); }

// Scalar overloads of the vector vocabulary, so that one generic lambda serves a row's
// vector body and its scalar tail.
LABO_INLINE float vexp(float x) { return __builtin_expf(x); }
LABO_INLINE float vfma(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
LABO_INLINE float vmax(float a, float b) { return a > b ? a : (a == a ? b : a); }
template <class V> LABO_INLINE V splat(float x);
template <> LABO_INLINE float splat<float>(float x) { return x; }

// ---------------------------------------------------------------------------------------------
#if defined(LABO_CPU_ISA_AVX512)

constexpr int kLanes = 16;
constexpr const char *kIsaName = "avx512";
struct Vf { __m512 v; };

LABO_INLINE Vf operator+(Vf a, Vf b) { return {_mm512_add_ps(a.v, b.v)}; }
LABO_INLINE Vf operator-(Vf a, Vf b) { return {_mm512_sub_ps(a.v, b.v)}; }
LABO_INLINE Vf operator*(Vf a, Vf b) { return {_mm512_mul_ps(a.v, b.v)}; }
LABO_INLINE Vf vfma(Vf a, Vf b, Vf c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
LABO_INLINE Vf vmax(Vf a, Vf b) { return {_mm512_max_ps(b.v, a.v)}; }  // NaN in a propagates
template <> LABO_INLINE Vf splat<Vf>(float x) { return {_mm512_set1_ps(x)}; }
LABO_INLINE float hsum(Vf a) { return _mm512_reduce_add_ps(a.v); }
LABO_INLINE float hmax(Vf a) {
    // reduce_max drops NaN; a NaN lane must make the row's maximum NaN.
    if (_mm512_cmp_ps_mask(a.v, a.v, _CMP_UNORD_Q)) return __builtin_nanf("");
    return _mm512_reduce_max_ps(a.v);
}

LABO_INLINE Vf load(const float *p) { return {_mm512_loadu_ps(p)}; }
LABO_INLINE Vf load(const bf16 *p) {
    const __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)));
    return {_mm512_castsi512_ps(_mm512_slli_epi32(w, 16))};
}
LABO_INLINE Vf load(const f16 *p) {
    return {_mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)))};
}
LABO_INLINE void store(float *p, Vf x) { _mm512_storeu_ps(p, x.v); }
LABO_INLINE void store(bf16 *p, Vf x) {
    const __m512i u = _mm512_castps_si512(x.v);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    __m512i r = _mm512_srli_epi32(_mm512_add_epi32(_mm512_add_epi32(u, _mm512_set1_epi32(0x7FFF)), lsb), 16);
    const __mmask16 nan = _mm512_cmp_ps_mask(x.v, x.v, _CMP_UNORD_Q);
    r = _mm512_mask_blend_epi32(nan, r, _mm512_set1_epi32(0x7FC0));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), _mm512_cvtepi32_epi16(r));
}
LABO_INLINE void store(f16 *p, Vf x) {
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(p),
                        _mm512_cvtps_ph(x.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

// exp(x), relative error ~2 ulp on [-87.3, 88.4]; 0 below, NaN propagates.
LABO_INLINE Vf vexp(Vf xv) {
    const __m512 x0 = xv.v;
    __m512 x = _mm512_min_ps(_mm512_set1_ps(88.3762626647949f), x0);
    x = _mm512_max_ps(_mm512_set1_ps(-87.3365478515625f), x);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    const __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    const __m512 y = _mm512_mul_ps(p, _mm512_castsi512_ps(e));
    const __mmask16 keep = _mm512_cmp_ps_mask(x0, _mm512_set1_ps(-87.3365478515625f), _CMP_NLT_UQ);
    return {_mm512_maskz_mov_ps(keep, y)};
}

// ---------------------------------------------------------------------------------------------
#elif defined(LABO_CPU_ISA_AVX2)

constexpr int kLanes = 8;
constexpr const char *kIsaName = "avx2";
struct Vf { __m256 v; };

LABO_INLINE Vf operator+(Vf a, Vf b) { return {_mm256_add_ps(a.v, b.v)}; }
LABO_INLINE Vf operator-(Vf a, Vf b) { return {_mm256_sub_ps(a.v, b.v)}; }
LABO_INLINE Vf operator*(Vf a, Vf b) { return {_mm256_mul_ps(a.v, b.v)}; }
LABO_INLINE Vf vfma(Vf a, Vf b, Vf c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }
LABO_INLINE Vf vmax(Vf a, Vf b) { return {_mm256_max_ps(b.v, a.v)}; }  // NaN in a propagates
template <> LABO_INLINE Vf splat<Vf>(float x) { return {_mm256_set1_ps(x)}; }
LABO_INLINE float hsum(Vf a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
LABO_INLINE float hmax(Vf a) {
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, a.v);
    float m = lanes[0];
    for (int i = 1; i < 8; ++i) m = vmax(lanes[i], m);
    return m;
}

LABO_INLINE Vf load(const float *p) { return {_mm256_loadu_ps(p)}; }
LABO_INLINE Vf load(const bf16 *p) {
    const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
    return {_mm256_castsi256_ps(_mm256_slli_epi32(w, 16))};
}
LABO_INLINE Vf load(const f16 *p) {
    return {_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)))};
}
LABO_INLINE void store(float *p, Vf x) { _mm256_storeu_ps(p, x.v); }
LABO_INLINE void store(bf16 *p, Vf x) {
    const __m256i u = _mm256_castps_si256(x.v);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    __m256i r = _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(u, _mm256_set1_epi32(0x7FFF)), lsb), 16);
    const __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(x.v, x.v, _CMP_UNORD_Q));
    r = _mm256_blendv_epi8(r, _mm256_set1_epi32(0x7FC0), nan);
    // Narrow 8 x u32 to 8 x u16: pack within 128-bit halves, then gather the halves.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r, r), 0xD8);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(p), _mm256_castsi256_si128(packed));
}
LABO_INLINE void store(f16 *p, Vf x) {
    _mm_storeu_si128(reinterpret_cast<__m128i *>(p),
                     _mm256_cvtps_ph(x.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

LABO_INLINE Vf vexp(Vf xv) {
    const __m256 x0 = xv.v;
    __m256 x = _mm256_min_ps(_mm256_set1_ps(88.3762626647949f), x0);
    x = _mm256_max_ps(_mm256_set1_ps(-87.3365478515625f), x);
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    const __m256 y = _mm256_mul_ps(p, _mm256_castsi256_ps(e));
    const __m256 keep = _mm256_cmp_ps(x0, _mm256_set1_ps(-87.3365478515625f), _CMP_NLT_UQ);
    return {_mm256_and_ps(y, keep)};
}

// ---------------------------------------------------------------------------------------------
#else  // portable

constexpr int kLanes = 1;
constexpr const char *kIsaName = "scalar";
struct Vf { float v; };

LABO_INLINE Vf operator+(Vf a, Vf b) { return {a.v + b.v}; }
LABO_INLINE Vf operator-(Vf a, Vf b) { return {a.v - b.v}; }
LABO_INLINE Vf operator*(Vf a, Vf b) { return {a.v * b.v}; }
LABO_INLINE Vf vfma(Vf a, Vf b, Vf c) { return {__builtin_fmaf(a.v, b.v, c.v)}; }
LABO_INLINE Vf vmax(Vf a, Vf b) { return {vmax(a.v, b.v)}; }
template <> LABO_INLINE Vf splat<Vf>(float x) { return {x}; }
LABO_INLINE float hsum(Vf a) { return a.v; }
LABO_INLINE float hmax(Vf a) { return a.v; }
template <class T> LABO_INLINE Vf load(const T *p) { return {load_scalar(p)}; }
template <class T> LABO_INLINE void store(T *p, Vf x) { store_scalar(p, x.v); }
LABO_INLINE Vf vexp(Vf x) { return {__builtin_expf(x.v)}; }

#endif

LABO_INLINE void store(float *p, float x) { store_scalar(p, x); }
LABO_INLINE void store(bf16 *p, float x) { store_scalar(p, x); }
LABO_INLINE void store(f16 *p, float x) { store_scalar(p, x); }

// Running sum and maximum over a row: vector lanes plus a scalar part for the row's tail.
struct SumAcc {
    Vf v = splat<Vf>(0.0f);
    float s = 0.0f;
    LABO_INLINE void add(Vf x) { v = v + x; }
    LABO_INLINE void add(float x) { s += x; }
    LABO_INLINE double total() const { return static_cast<double>(hsum(v)) + static_cast<double>(s); }
};

struct MaxAcc {
    Vf v = splat<Vf>(-__builtin_inff());
    float s = -__builtin_inff();
    LABO_INLINE void add(Vf x) { v = vmax(x, v); }
    LABO_INLINE void add(float x) { s = vmax(x, s); }
    LABO_INLINE float total() const { return vmax(hmax(v), s); }
};

// Calls body(x) on [begin, end) of a row: full vectors first, then the scalar tail.
template <class T, class Body>
LABO_INLINE void sweep(const T *row, int64_t begin, int64_t end, Body &&body) {
    int64_t k = begin;
    for (; k + kLanes <= end; k += kLanes) body(load(row + k));
    for (; k < end; ++k) body(load_scalar(row + k));
}

// Calls body(x, k) on [begin, end) of a row, k the element index.
template <class T, class Body>
LABO_INLINE void sweep_indexed(const T *row, int64_t begin, int64_t end, Body &&body) {
    int64_t k = begin;
    for (; k + kLanes <= end; k += kLanes) body(load(row + k), k);
    for (; k < end; ++k) body(load_scalar(row + k), k);
}

// Loads fp32 values as the type X of a sweep body's argument (vector or scalar tail).
template <class X> LABO_INLINE X load_as(const float *p);
template <> LABO_INLINE float load_as<float>(const float *p) { return *p; }
#if !defined(LABO_CPU_ISA_AVX512) && !defined(LABO_CPU_ISA_AVX2)
template <> LABO_INLINE Vf load_as<Vf>(const float *p) { return {*p}; }
#else
template <> LABO_INLINE Vf load_as<Vf>(const float *p) { return load(p); }
#endif

// Calls body(x, k) on [0, n) of a row, k the element index (for writing the gradient).
template <class T, class Body>
LABO_INLINE void sweep_indexed(const T *row, int64_t n, Body &&body) {
    sweep_indexed(row, 0, n, body);
}

}  // namespace LABO_CPU_ISA_NS
}  // namespace cpu
}  // namespace labo

#endif  // LABO_SRC_CPU_SIMD_H_
