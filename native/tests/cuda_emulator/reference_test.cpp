// The emulated CUDA backend (labo::cuda_loss_forward_backward) against an fp64 reference of
// METHOD.md: every kernel path (warp groups of 4..32 lanes with 1..8 chunks per lane, block with
// the row in shared memory, block streaming the row), fp32/bf16/fp16, every smoothing member and
// temperature rule, the three reductions, ignore_index, in-place and no-gradient calls, rows at
// every 16-byte phase and with different logits/gradient phases, and special rows. Also: what
// the call must leave untouched, and that it frees its workspace.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cuda/launch.cuh"
#include "emulator.h"
#include "loss_problem.h"
#include "test_support.h"

using emutest::check;

namespace {

struct Config {
    labo_smoothing smoothing;
    labo_temperature_rule rule;
    float alpha;
    float temperature;
    float kappa;  // BUDGET: epsilon = kappa * log(V - 1)
    labo_reduction reduction;
    int64_t ignore_index;
    const char *name;
};

const Config kConfigs[] = {
    {LABO_SMOOTHING_NONE, LABO_TEMPERATURE_FIXED, 0.f, 1.f, 0.f, LABO_REDUCTION_MEAN, -100, "CE"},
    {LABO_SMOOTHING_UNIFORM, LABO_TEMPERATURE_FIXED, 0.1f, 1.f, 0.f, LABO_REDUCTION_SUM, -100, "LS0.1"},
    {LABO_SMOOTHING_TEMPERED, LABO_TEMPERATURE_FIXED, 0.2f, 2.f, 0.f, LABO_REDUCTION_NONE, -100, "LABO-T2"},
    {LABO_SMOOTHING_TEMPERED, LABO_TEMPERATURE_FIXED, 0.3f, 0.3f, 0.f, LABO_REDUCTION_MEAN, -100, "LABO-T0.3"},
    {LABO_SMOOTHING_TEMPERED, LABO_TEMPERATURE_BUDGET, 0.1f, 1.f, 0.3f, LABO_REDUCTION_NONE, -100, "LABO-k0.3"},
    {LABO_SMOOTHING_TEMPERED, LABO_TEMPERATURE_BUDGET, 0.2f, 1.f, 0.f, LABO_REDUCTION_MEAN, -100, "LABO-k0"},
    {LABO_SMOOTHING_TEMPERED, LABO_TEMPERATURE_BUDGET, 0.2f, 1.f, 1.f, LABO_REDUCTION_SUM, -100, "LABO-k1"},
    {LABO_SMOOTHING_TEMPERED, LABO_TEMPERATURE_BUDGET, 0.1f, 1.f, 0.02f, LABO_REDUCTION_NONE, 0, "LABO-k0.02-ign0"},
    {LABO_SMOOTHING_TEMPERED, LABO_TEMPERATURE_BUDGET, 0.1f, 1.f, 0.7f, LABO_REDUCTION_MEAN, -100, "LABO-k0.7"},
};
constexpr size_t kNumConfigs = sizeof(kConfigs) / sizeof(kConfigs[0]);
const labo_dtype kDtypes[] = {LABO_DTYPE_FLOAT32, LABO_DTYPE_BFLOAT16, LABO_DTYPE_FLOAT16};

// ---- fp64 reference ----------------------------------------------------------------------------
struct RefRow {
    double loss, temperature, entropy, p_target;
    std::vector<double> grad;  // p - q, unscaled
    double nt_max = NAN;       // LABO: the largest non-target logit (the tempered weights' shift)
};

double kl_at(const std::vector<double> &z, int64_t y, double nt_max, double beta) {
    double s = 0, w = 0;
    for (size_t k = 0; k < z.size(); ++k) {
        if (static_cast<int64_t>(k) == y) continue;
        const double d = z[k] - nt_max, e = std::exp(beta * d);
        s += e;
        if (e > 0) w += e * d;
    }
    return std::log(static_cast<double>(z.size() - 1)) - std::log(s) + beta * (w / s);
}

RefRow reference(const std::vector<double> &z, int64_t y, const Config &c, double eps) {
    const size_t V = z.size();
    RefRow r;
    r.grad.assign(V, 0.0);
    const double m = *std::max_element(z.begin(), z.end());
    double s = 0;
    for (double v : z) s += std::exp(v - m);
    const double lse = m + std::log(s);
    std::vector<double> rr(V, 0.0);
    const double alpha = c.smoothing == LABO_SMOOTHING_NONE ? 0.0 : c.alpha;
    if (c.smoothing == LABO_SMOOTHING_NONE) {
        r.temperature = NAN;
        r.entropy = 0;
    } else if (c.smoothing == LABO_SMOOTHING_UNIFORM) {
        for (auto &v : rr) v = 1.0 / static_cast<double>(V);
        r.temperature = INFINITY;
        r.entropy = std::log(static_cast<double>(V));
    } else {
        double nt_max = -INFINITY, nt_min = INFINITY;
        for (size_t k = 0; k < V; ++k) {
            if (static_cast<int64_t>(k) == y) continue;
            nt_max = std::max(nt_max, z[k]);
            nt_min = std::min(nt_min, z[k]);
        }
        r.nt_max = nt_max;
        double beta;
        if (c.rule == LABO_TEMPERATURE_FIXED) {
            beta = 1.0 / static_cast<double>(c.temperature);
        } else if (!(eps > 0) || V <= 2 || !(nt_max > nt_min)) {
            beta = 0;
        } else if (eps >= std::log(static_cast<double>(V - 1))) {
            beta = 3e38;
        } else {  // bisection: KL is increasing in beta
            double lo = 0, hi = 1;
            while (kl_at(z, y, nt_max, hi) < eps && hi < 1e30) hi *= 2;
            if (hi >= 1e30) {
                beta = 1e30;
            } else {
                for (int i = 0; i < 300; ++i) {
                    const double mid = 0.5 * (lo + hi);
                    (kl_at(z, y, nt_max, mid) < eps ? lo : hi) = mid;
                }
                beta = 0.5 * (lo + hi);
            }
        }
        double S = 0;
        for (size_t k = 0; k < V; ++k) {
            if (static_cast<int64_t>(k) == y) continue;
            rr[k] = std::exp(beta * (z[k] - nt_max));
            S += rr[k];
        }
        double H = 0;
        for (size_t k = 0; k < V; ++k) {
            if (static_cast<int64_t>(k) == y) continue;
            rr[k] /= S;
            if (rr[k] > 0) H -= rr[k] * std::log(rr[k]);
        }
        r.entropy = H;
        r.temperature = c.rule == LABO_TEMPERATURE_FIXED ? static_cast<double>(c.temperature)
                                                         : (beta > 0 ? 1.0 / beta : INFINITY);
    }
    double loss = lse;
    for (size_t k = 0; k < V; ++k) {
        const double q = alpha * rr[k] + (static_cast<int64_t>(k) == y ? 1.0 - alpha : 0.0);
        if (q != 0) loss -= q * z[k];
        r.grad[k] = std::exp(z[k] - lse) - q;
    }
    r.loss = loss;
    r.p_target = std::exp(z[static_cast<size_t>(y)] - lse);
    return r;
}

bool close(double got, double want, double atol, double rtol) {
    if (std::isnan(want)) return std::isnan(got);
    if (std::isinf(want)) return got == want;
    return std::fabs(got - want) <= atol + rtol * std::fabs(want);
}

// ---- one case ----------------------------------------------------------------------------------
// CONTIG: dense rows filling their buffers exactly; PHASED: rows of stride V+3 starting at element 1
// (every 16-byte phase); MISMATCH: logits and gradient rows at different phases (no vector stores);
// INPLACE: the gradient overwrites the logits; NOGRAD: no gradient.
enum Layout { CONTIG, PHASED, MISMATCH, INPLACE, NOGRAD, kNumLayouts };
const char *const kLayoutNames[] = {"contig", "phased", "mismatch", "inplace", "nograd"};
// Rows that are not plain random logits: row 1 all equal, row 1 with a tie at the top, row 0 with a
// -inf logit, row 0 with its first third masked to -inf and the rest 200 lower (a constrained
// vocabulary: whole chunks, and many threads' first chunks, hold only -inf; a third keeps the
// budget rule's epsilon reachable: with m of n non-targets masked, KL(r || u) >= log(n / (n - m))
// at every T), every row ignored,
// row 0's target 120 above every other logit (the target is the row's maximum by more than an fp32
// exponential spans: LABO's pass 1 sums the non-targets about their own maximum and adds the target
// last), row 0 shifted by +1000 (large logits, ordinary differences), a NaN logit in row 0 and +inf
// in row 1 (METHOD.md section 6: reported as a non-finite loss; the other rows as they would be),
// row 0 rising by 60 from its first logit to its last (every thread meets elements far above its
// first ones, again and again: pass 1's reference moves within the thread, not only at the
// reduction), row 0 near 2^40 (logits 2^40 (1 + N(0, 1) / 100): beyond the gradient's log2 domain,
// |m| >= 2^24, GradientRule; cross-entropy only, whose loss keeps its precision there, and fp32 and
// bf16 only: fp16 has no such logits).
enum Special { NORMAL, EQUAL_ROW, TOP_TIE, NEG_INF, MASKED_THIRD, ALL_IGNORED, TARGET_FAR, SHIFTED, NON_FINITE, RISING, HUGE };
const char *const kSpecialNames[] = {"",           " equal-row",   " top-tie",    " -inf",      " masked-third",
                                     " all-ignored", " target-far", " shifted", " non-finite", " rising", " huge"};

struct Case {
    labo_dtype dtype;
    int64_t vocab;
    int64_t rows;
    Layout layout;
    Config config;
    uint64_t seed;
    Special special = NORMAL;
};

std::set<std::string> g_paths_seen;

void run_case(const Case &cs) {
    const labo_dtype dt = cs.dtype;
    const int64_t V = cs.vocab, N = cs.rows;
    const Config &c = cs.config;
    const char *path = labo::cuda::label_loss_path(dt, V, 0);
    g_paths_seen.insert(std::string(emutest::dtype_name(dt)) + " " + path);
    char name[256];
    std::snprintf(name, sizeof name, "[reference %s V=%lld N=%lld %s %s %s red=%d%s]", emutest::dtype_name(dt),
                  static_cast<long long>(V), static_cast<long long>(N), kLayoutNames[cs.layout], c.name, path,
                  static_cast<int>(c.reduction), kSpecialNames[cs.special]);
    emutest::begin_case(name);

    std::mt19937_64 rng(cs.seed);
    std::normal_distribution<float> normal(0.f, 2.5f);
    int64_t lstride = V, loff = 0, gstride = V, goff = 0, pad = 0;
    switch (cs.layout) {
        case CONTIG: break;
        case PHASED: lstride = gstride = V + 3; loff = goff = 1; pad = 8; break;
        case MISMATCH: lstride = V + 1; gstride = V; goff = 2; pad = 8; break;
        case INPLACE: lstride = gstride = V + 1; loff = goff = 1; pad = 8; break;
        case NOGRAD: pad = 8; break;
        default: break;
    }
    const size_t es = emutest::element_size(dt);
    const int64_t lelems = loff + (N - 1) * lstride + V + pad;
    emutest::DeviceBuffer logits(static_cast<size_t>(lelems) * es);
    std::vector<float> z(static_cast<size_t>(lelems));
    for (int64_t i = 0; i < lelems; ++i) z[i] = emutest::put_element(logits.data(), i, dt, normal(rng));
    auto set_logit = [&](int64_t row, int64_t k, float v) {
        const int64_t i = loff + row * lstride + k;
        z[i] = emutest::put_element(logits.data(), i, dt, v);
    };
    // Special rows sit at the start, or in calls of many rows at the end (rows that persistent
    // blocks reach late in their loop).
    const int64_t s0 = N > 32 ? N - 2 : 0, s1 = N > 32 ? N - 1 : 1;
    if (cs.special == EQUAL_ROW && N > 1) {
        for (int64_t k = 0; k < V; ++k) set_logit(s1, k, 0.75f);
    }
    if (cs.special == TOP_TIE && N > 1) {
        set_logit(s1, 0, 9.f);
        set_logit(s1, 1, 9.f);
    }
    if (cs.special == NEG_INF) set_logit(s0, 0, -INFINITY);
    if (cs.special == MASKED_THIRD) {
        for (int64_t k = 0; k < V / 3; ++k) set_logit(s0, k, -INFINITY);
        // the rest far below 0: a thread's first finite element then lies 200 below the reference
        // its -inf elements were summed about
        for (int64_t k = V / 3; k < V; ++k) {
            set_logit(s0, k, z[static_cast<size_t>(loff + s0 * lstride + k)] - 200.f);
        }
    }

    std::vector<int64_t> targets(static_cast<size_t>(N));
    std::uniform_int_distribution<int64_t> pick(0, V - 1);
    for (auto &t : targets) t = pick(rng);
    if (N > 2) targets[2] = c.ignore_index;
    if (N > 32) targets[static_cast<size_t>(N - 5)] = c.ignore_index;
    if (cs.special == ALL_IGNORED) std::fill(targets.begin(), targets.end(), c.ignore_index);
    if (cs.special == NEG_INF && targets[static_cast<size_t>(s0)] == 0) targets[static_cast<size_t>(s0)] = 1;
    if (cs.special == MASKED_THIRD) targets[static_cast<size_t>(s0)] = V / 3 + pick(rng) % (V - V / 3);
    // Row 0's NaN goes to the last logit, its target beside it: in a short row the last chunk then
    // holds no other element that LABO's pass 1 sums, and is the only chunk its thread sees.
    if (cs.special == NON_FINITE && targets[static_cast<size_t>(s0)] != c.ignore_index) {
        targets[static_cast<size_t>(s0)] = V - 2;
    }
    if (cs.special == TARGET_FAR) {
        const int64_t y = targets[static_cast<size_t>(s0)];
        float top = -INFINITY;
        for (int64_t k = 0; k < V; ++k) {
            if (k != y) top = std::max(top, z[static_cast<size_t>(loff + s0 * lstride + k)]);
        }
        set_logit(s0, y, top + 120.f);
    }
    if (cs.special == SHIFTED) {
        for (int64_t k = 0; k < V; ++k) set_logit(s0, k, z[static_cast<size_t>(loff + s0 * lstride + k)] + 1000.f);
    }
    if (cs.special == HUGE) {
        for (int64_t k = 0; k < V; ++k) {
            set_logit(s0, k, 0x1p40f * (1.f + 0.01f * z[static_cast<size_t>(loff + s0 * lstride + k)]));
        }
    }
    if (cs.special == RISING) {
        const float step = 60.f / static_cast<float>(V - 1);
        for (int64_t k = 0; k < V; ++k) {
            set_logit(s0, k, z[static_cast<size_t>(loff + s0 * lstride + k)] + step * static_cast<float>(k));
        }
    }
    // Rows whose loss must come out non-finite (a non-target logit NaN or +inf), unless ignored.
    std::vector<char> non_finite(static_cast<size_t>(N), 0);
    if (cs.special == NON_FINITE) {
        for (int64_t r : {s0, s1}) {
            if (r >= N) continue;
            const int64_t y = targets[static_cast<size_t>(r)];
            set_logit(r, y >= 0 && y < V ? (y + 1) % V : 0, r == s0 ? NAN : INFINITY);
            non_finite[static_cast<size_t>(r)] = y != c.ignore_index;
        }
    }
    emutest::DeviceBuffer target_buf(static_cast<size_t>(N) * 8);
    std::memcpy(target_buf.data(), targets.data(), static_cast<size_t>(N) * 8);

    const int64_t gelems = cs.layout == INPLACE ? 1 : goff + (N - 1) * gstride + V + pad;
    emutest::DeviceBuffer grad(static_cast<size_t>(gelems) * es);
    const std::vector<unsigned char> grad_before(grad.bytes(), grad.bytes() + grad.size());
    const std::vector<unsigned char> logits_before(logits.bytes(), logits.bytes() + logits.size());
    const int64_t nloss = c.reduction == LABO_REDUCTION_NONE ? N : 1;
    emutest::DeviceBuffer loss(static_cast<size_t>(nloss) * 4), row_t(static_cast<size_t>(N) * 4),
        row_h(static_cast<size_t>(N) * 4), row_p(static_cast<size_t>(N) * 4);

    labo::LossProblem pr{};
    pr.smoothing = c.smoothing;
    pr.temperature_rule = c.rule;
    pr.alpha = c.smoothing == LABO_SMOOTHING_NONE ? 0.f : c.alpha;
    pr.temperature = c.temperature;
    pr.budget_epsilon = c.kappa * std::log(static_cast<float>(V - 1));
    pr.ignore_index = c.ignore_index;
    pr.reduction = c.reduction;
    pr.max_newton_iterations = 0;
    pr.device_index = 0;
    pr.dtype = dt;
    pr.rows = N;
    pr.vocab = V;
    pr.logits_row_stride = lstride;
    pr.logits = logits.bytes() + static_cast<size_t>(loff) * es;
    pr.targets = static_cast<const int64_t *>(target_buf.data());
    unsigned char *gbase = cs.layout == INPLACE ? logits.bytes() : grad.bytes();
    pr.grad = cs.layout == NOGRAD ? nullptr : gbase + static_cast<size_t>(goff) * es;
    pr.grad_row_stride = gstride;
    pr.loss = static_cast<float *>(loss.data());
    pr.row_temperature = static_cast<float *>(row_t.data());
    pr.row_entropy = static_cast<float *>(row_h.data());
    pr.row_p_target = static_cast<float *>(row_p.data());

    const long long allocations = emu::live_allocations();
    const labo_status status = labo::cuda_loss_forward_backward(pr);
    check(status == LABO_STATUS_OK, "status %d: %s", static_cast<int>(status), emutest::last_error().c_str());
    check(emu::live_allocations() == allocations, "workspace not freed");
    if (status != LABO_STATUS_OK) {
        emutest::end_case();
        return;
    }

    const bool budget = c.smoothing == LABO_SMOOTHING_TEMPERED && c.rule == LABO_TEMPERATURE_BUDGET;
    int64_t valid = 0;
    for (int64_t t : targets) valid += t != c.ignore_index;
    const double scale = c.reduction == LABO_REDUCTION_MEAN ? (valid ? 1.0 / static_cast<double>(valid) : 0.0) : 1.0;
    const float *lossp = static_cast<const float *>(loss.data());
    double total = 0;
    for (int64_t i = 0; i < N; ++i) {
        const bool ignored = targets[i] == c.ignore_index;
        if (non_finite[static_cast<size_t>(i)]) {
            // Only the loss is specified (non-finite); T, H, p_y and the gradient row are not.
            total = NAN;
            if (c.reduction == LABO_REDUCTION_NONE) {
                check(!std::isfinite(lossp[i]), "row %lld with a non-finite logit: loss %.8g", static_cast<long long>(i),
                      lossp[i]);
            }
            continue;
        }
        RefRow ref;
        std::vector<double> zr;
        if (ignored) {
            ref = {0, NAN, 0, NAN, std::vector<double>(static_cast<size_t>(V), 0.0)};
        } else {
            zr.resize(static_cast<size_t>(V));
            for (int64_t k = 0; k < V; ++k) zr[k] = z[loff + i * lstride + k];
            ref = reference(zr, targets[i], c, pr.budget_epsilon);
        }
        total += ref.loss;
        const double ltol = budget ? 3e-4 : 3e-5;
        if (c.reduction == LABO_REDUCTION_NONE) {
            check(close(lossp[i], ref.loss, ltol, ltol), "row %lld loss %.8g, reference %.8g", static_cast<long long>(i),
                  lossp[i], ref.loss);
        }
        const float T = static_cast<const float *>(row_t.data())[i];
        const float H = static_cast<const float *>(row_h.data())[i];
        const float P = static_cast<const float *>(row_p.data())[i];
        // kappa = 1 and ties at the top: T is 0 or tiny, its exact value is not defined.
        const bool skip_t = budget && (c.kappa >= 1.f || cs.special == TOP_TIE);
        const double eps = pr.budget_epsilon;
        if (!skip_t && budget && !ignored && ref.temperature > 1e-20 && std::isfinite(ref.temperature) && T > 0.f &&
            std::isfinite(T)) {
            // The solve's contract (METHOD.md section 3), |KL(T) - eps| <= 1e-6 max(1, eps), in fp64
            // at the kernel's T (2x for the kernel's rounding), rather than T itself: where KL is flat
            // in 1/T, that tolerance moves T by more than any fixed bound on T.
            const double kl = kl_at(zr, targets[i], ref.nt_max, 1.0 / static_cast<double>(T));
            check(std::fabs(kl - eps) <= 2e-6 * std::max(1.0, eps), "row %lld T %.8g: KL %.9g, eps %.9g (reference T %.8g)",
                  static_cast<long long>(i), T, kl, eps, ref.temperature);
        } else if (!skip_t) {
            check(close(T, ref.temperature, 1e-6, budget ? 2e-3 : 1e-6), "row %lld T %.8g, reference %.8g",
                  static_cast<long long>(i), T, ref.temperature);
        }
        check(close(H, ref.entropy, budget ? 2e-4 : 2e-5, budget ? 2e-4 : 2e-5), "row %lld H %.8g, reference %.8g",
              static_cast<long long>(i), H, ref.entropy);
        check(close(P, ref.p_target, 1e-6, 2e-5), "row %lld p_target %.8g, reference %.8g", static_cast<long long>(i), P,
              ref.p_target);
        if (pr.grad == nullptr) continue;
        const double rtol = dt == LABO_DTYPE_BFLOAT16 ? 8e-3 : dt == LABO_DTYPE_FLOAT16 ? 1.5e-3 : (budget ? 3e-4 : 2e-5);
        // fp16: small gradients (MEAN over many rows) are subnormal, spaced 2^-24 apart
        const double atol = 1e-6 * scale + 1e-9 + (budget ? 1e-5 * scale : 0) + (dt == LABO_DTYPE_FLOAT16 ? 6e-8 : 0);
        for (int64_t k = 0; k < V; ++k) {
            const double want = scale * ref.grad[k];
            const double got = emutest::get_element(gbase, goff + i * gstride + k, dt);
            check(close(got, want, atol, rtol), "row %lld grad[%lld] %.9g, reference %.9g", static_cast<long long>(i),
                  static_cast<long long>(k), got, want);
        }
    }
    if (c.reduction != LABO_REDUCTION_NONE && std::isnan(total)) {
        check(!std::isfinite(lossp[0]), "reduced loss %.8g over a row with a non-finite logit", lossp[0]);
    } else if (c.reduction != LABO_REDUCTION_NONE) {
        const double want = c.reduction == LABO_REDUCTION_MEAN ? (valid ? total / static_cast<double>(valid) : 0.0) : total;
        check(close(lossp[0], want, 3e-5, budget ? 3e-4 : 3e-5), "reduced loss %.8g, reference %.8g", lossp[0], want);
    }
    // What must stay as it was: the logits (unless in place), the gradient buffer without a
    // gradient, and every element of the gradient buffer outside the gradient rows.
    if (cs.layout != INPLACE) {
        check(std::memcmp(logits_before.data(), logits.data(), logits.size()) == 0, "logits modified");
    }
    if (cs.layout == NOGRAD) {
        check(std::memcmp(grad_before.data(), grad.data(), grad.size()) == 0, "gradient buffer written without a gradient");
    } else {
        const unsigned char *before = cs.layout == INPLACE ? logits_before.data() : grad_before.data();
        const size_t elements = (cs.layout == INPLACE ? logits.size() : grad.size()) / es;
        std::vector<char> in_row(elements, 0);
        for (int64_t i = 0; i < N; ++i) {
            for (int64_t k = 0; k < V; ++k) in_row[static_cast<size_t>(goff + i * gstride + k)] = 1;
        }
        int touched = 0;
        for (size_t e = 0; e < elements; ++e) touched += !in_row[e] && std::memcmp(gbase + e * es, before + e * es, es) != 0;
        check(touched == 0, "%d elements outside the gradient rows modified", touched);
    }
    emutest::end_case();
}

// Vocabulary sizes of the warp path variants: the row's chunk count for the worst phase,
// (V + 2 vec - 2) / vec, at most 4, 8, 16, 32 (one chunk a lane), 64, 128, 256 (32 lanes).
struct Bracket {
    int64_t lo, hi;
    const char *path;
};
std::vector<Bracket> warp_brackets(labo_dtype dt) {
    const int64_t vec = dt == LABO_DTYPE_FLOAT32 ? 4 : 8;
    const int64_t limits[] = {4, 8, 16, 32, 64, 128, 256};
    const char *const names[] = {"warp4x1", "warp8x1", "warp16x1", "warp32x1", "warp32x2", "warp32x4", "warp32x8"};
    std::vector<Bracket> out;
    int64_t lo = 2;
    for (int i = 0; i < 7; ++i) {
        const int64_t hi = limits[i] * vec - 2 * vec + 2;
        out.push_back({lo, hi, names[i]});
        lo = hi + 1;
    }
    return out;
}

}  // namespace

void run_reference_tests(uint64_t seed) {
    uint64_t index = 0;
    auto next_seed = [&] { return emutest::case_seed(seed, 1, index++); };
    std::mt19937_64 rng(emutest::case_seed(seed, 1, ~0ull));
    auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };

    for (labo_dtype dt : kDtypes) {
        const std::vector<Bracket> brackets = warp_brackets(dt);
        const int64_t warp_max = brackets.back().hi;
        // Every warp variant and the shared-memory block path (128 threads), each configuration,
        // a vocabulary drawn inside the variant's range (both ends with some probability).
        for (size_t b = 0; b <= brackets.size(); ++b) {
            const bool smem = b == brackets.size();
            const int64_t lo = smem ? warp_max + 1 : brackets[b].lo, hi = smem ? 2 * warp_max : brackets[b].hi;
            for (size_t ci = 0; ci < kNumConfigs; ++ci) {
                const int64_t r = uniform(0, 9);
                const int64_t V = r == 0 ? lo : r == 1 ? hi : uniform(lo, hi);
                const Layout layout = static_cast<Layout>((ci + b + static_cast<size_t>(dt)) % kNumLayouts);
                run_case({dt, V, 5, layout, kConfigs[ci], next_seed()});
            }
        }
        // Special rows on the warp path, the shared-memory path and the streaming path.
        // (V >= 8: with a -inf logit, the budget rule's epsilon must stay reachable.)
        for (int64_t V : {uniform(8, 20), uniform(warp_max + 1, 2 * warp_max)}) {
            for (Special sp : {EQUAL_ROW, TOP_TIE, NEG_INF, MASKED_THIRD, ALL_IGNORED, TARGET_FAR, SHIFTED, NON_FINITE, RISING, HUGE}) {
                for (size_t ci : {0u, 2u, 4u, 6u}) {
                    if (sp == HUGE && (ci != 0 || dt == LABO_DTYPE_FLOAT16)) continue;  // see Special
                    Case cs{dt, V, 4, CONTIG, kConfigs[ci], next_seed(), sp};
                    if (sp == ALL_IGNORED) cs.config.reduction = LABO_REDUCTION_MEAN;
                    run_case(cs);
                }
            }
        }
    }

    // The streaming path: an opt-in shared memory limit too small for any row beyond the warp path.
    const long long optin = emu::set_optin_shared_memory(4096);
    for (labo_dtype dt : kDtypes) {
        const int64_t warp_max = warp_brackets(dt).back().hi;
        for (size_t ci = 0; ci < kNumConfigs; ++ci) {
            const int64_t V = uniform(warp_max + 1, 2 * warp_max);
            run_case({dt, V, 3, static_cast<Layout>((ci + static_cast<size_t>(dt)) % kNumLayouts), kConfigs[ci], next_seed()});
        }
        // Special rows under both LABO rules (fixed T: pass 1's sums taken again with the -inf guard).
        for (Special sp : {EQUAL_ROW, TOP_TIE, NEG_INF, MASKED_THIRD, TARGET_FAR, SHIFTED, NON_FINITE, RISING}) {
            for (size_t ci : {2u, 4u}) {
                run_case({dt, uniform(warp_max + 1, 2 * warp_max), 3, CONTIG, kConfigs[ci], next_seed(), sp});
            }
        }
        if (dt != LABO_DTYPE_FLOAT16) {
            run_case({dt, uniform(warp_max + 1, 2 * warp_max), 3, CONTIG, kConfigs[0], next_seed(), HUGE});
        }
    }
    emu::set_optin_shared_memory(optin);

    // More rows than one block of the warp path holds, the two-stage reduction over several blocks,
    // larger shared-memory blocks (256 threads; above 48 KiB: cudaFuncSetAttribute).
    run_case({LABO_DTYPE_FLOAT32, uniform(3, 10), 150, PHASED, kConfigs[4], next_seed()});
    run_case({LABO_DTYPE_BFLOAT16, uniform(60, 114), 40, INPLACE, kConfigs[1], next_seed()});
    run_case({LABO_DTYPE_FLOAT16, uniform(2, 18), 4500, CONTIG, kConfigs[0], next_seed()});
    run_case({LABO_DTYPE_FLOAT32, uniform(4100, 5000), 2, MISMATCH, kConfigs[8], next_seed()});
    run_case({LABO_DTYPE_BFLOAT16, uniform(24100, 25000), 2, PHASED, kConfigs[2], next_seed()});

    // The shared-memory path's persistent blocks with more rows than are resident (the emulator's
    // device has 2 multiprocessors): every block pipelines several rows, with each configuration
    // and layout and with special rows; and rows long enough that one block fills a multiprocessor.
    for (labo_dtype dt : kDtypes) {
        const int64_t warp_max = warp_brackets(dt).back().hi;
        for (size_t ci = 0; ci < kNumConfigs; ++ci) {
            const Layout layout = static_cast<Layout>((ci + 1 + static_cast<size_t>(dt)) % kNumLayouts);
            run_case({dt, uniform(warp_max + 1, 2 * warp_max), uniform(40, 80), layout, kConfigs[ci], next_seed()});
        }
    }
    for (Special sp : {EQUAL_ROW, TOP_TIE, NEG_INF, MASKED_THIRD, ALL_IGNORED, TARGET_FAR, SHIFTED, NON_FINITE, RISING}) {
        run_case({LABO_DTYPE_BFLOAT16, uniform(2100, 4000), 41, INPLACE, kConfigs[8], next_seed(), sp});
    }
    run_case({LABO_DTYPE_FLOAT32, uniform(2100, 4000), 41, INPLACE, kConfigs[0], next_seed(), HUGE});
    run_case({LABO_DTYPE_FLOAT32, uniform(30000, 31000), 5, PHASED, kConfigs[8], next_seed()});
    run_case({LABO_DTYPE_BFLOAT16, uniform(60000, 62000), 5, INPLACE, kConfigs[3], next_seed()});

    // Shared-memory blocks sized in whole warps (LABO_SMEM_PATH_FILL_WARPS, on in this build): rows
    // that three (bf16, V ~ 32000) or six (fp32, V ~ 8200) at a time fill a multiprocessor's shared
    // memory get blocks of 320 and 160 threads, not powers of two; more rows than resident blocks.
    emutest::begin_case("reference: shared-memory blocks in whole warps");
    {
        const int bf16 = labo::cuda::label_loss_block_threads(LABO_DTYPE_BFLOAT16, 32000, 0);
        const int fp32 = labo::cuda::label_loss_block_threads(LABO_DTYPE_FLOAT32, 8192, 0);
        const bool fill = LABO_SMEM_PATH_FILL_WARPS != 0;
        check(bf16 == (fill ? 320 : 256), "bf16 V = 32000: %d threads", bf16);
        check(fp32 == (fill ? 160 : 128), "fp32 V = 8192: %d threads", fp32);
    }
    emutest::end_case();
    run_case({LABO_DTYPE_BFLOAT16, uniform(31000, 33000), 7, PHASED, kConfigs[5], next_seed()});
    run_case({LABO_DTYPE_FLOAT32, uniform(8000, 8400), 13, CONTIG, kConfigs[7], next_seed()});

    // Every path was taken for every dtype.
    emutest::begin_case("reference: every kernel path exercised");
    for (labo_dtype dt : kDtypes) {
        for (const Bracket &b : warp_brackets(dt)) {
            const std::string key = std::string(emutest::dtype_name(dt)) + " " + b.path;
            check(g_paths_seen.count(key) == 1, "%s not exercised", key.c_str());
        }
        for (const char *p : {"block-smem", "block-stream"}) {
            const std::string key = std::string(emutest::dtype_name(dt)) + " " + p;
            check(g_paths_seen.count(key) == 1, "%s not exercised", key.c_str());
        }
    }
    emutest::end_case();
}
