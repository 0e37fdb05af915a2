// The emulated CUDA backend's refusals: a bad target (INVALID_ARGUMENT with the row and value, no
// output written, workspace freed), host pointers, a misaligned operand, a call with no rows; calls
// on a stream being captured into a CUDA graph; deferred target errors.
#include <cstdio>
#include <cstring>
#include <vector>

#include <cuda_runtime.h>

#include "cuda/target_error_record.cuh"
#include "emulator.h"
#include "loss_problem.h"
#include "test_support.h"

using emutest::check;

void run_error_tests() {
    constexpr int64_t N = 4, V = 10;
    emutest::DeviceBuffer logits(N * V * 4), targets(N * 8), grad(N * V * 4), loss(4), row_h(N * 4);
    for (int i = 0; i < N * V; ++i) static_cast<float *>(logits.data())[i] = 0.1f * static_cast<float>(i);
    int64_t t[N] = {1, -100, 10, -5};
    std::memcpy(targets.data(), t, sizeof t);
    labo::LossProblem pr{};
    pr.smoothing = LABO_SMOOTHING_NONE;
    pr.reduction = LABO_REDUCTION_MEAN;
    pr.ignore_index = -100;
    pr.dtype = LABO_DTYPE_FLOAT32;
    pr.rows = N;
    pr.vocab = V;
    pr.logits_row_stride = V;
    pr.grad_row_stride = V;
    pr.logits = logits.data();
    pr.targets = static_cast<const int64_t *>(targets.data());
    pr.grad = grad.data();
    pr.loss = static_cast<float *>(loss.data());

    emutest::begin_case("[errors: bad target]");
    {
        const std::vector<unsigned char> grad_before(grad.bytes(), grad.bytes() + grad.size());
        const std::vector<unsigned char> loss_before(loss.bytes(), loss.bytes() + loss.size());
        const long long allocations = emu::live_allocations();
        const labo_status st = labo::cuda_loss_forward_backward(pr);
        check(st == LABO_STATUS_INVALID_ARGUMENT, "status %d", static_cast<int>(st));
        check(emutest::last_error().find("targets[2] = 10 is outside [0, 10)") != std::string::npos, "message: %s",
              emutest::last_error().c_str());
        check(std::memcmp(grad_before.data(), grad.data(), grad.size()) == 0, "gradient written despite the bad target");
        check(std::memcmp(loss_before.data(), loss.data(), loss.size()) == 0, "loss written despite the bad target");
        check(emu::live_allocations() == allocations, "workspace not freed");
    }
    emutest::end_case();

    // The kernels are queued behind the target check without waiting for it, and must then write
    // nothing themselves: a LABO-budget call in place on the block-smem path, per-row losses and
    // diagnostics, with one bad target among many rows.
    emutest::begin_case("[errors: bad target, in place, nothing written]");
    {
        constexpr int64_t rows = 40, vocab = 3000;
        emutest::DeviceBuffer big(rows * vocab * 4), big_targets(rows * 8), row_loss(rows * 4), row_t(rows * 4);
        for (int64_t i = 0; i < rows * vocab; ++i) static_cast<float *>(big.data())[i] = 0.01f * static_cast<float>(i % 977);
        std::vector<int64_t> tt(rows);
        for (int64_t r = 0; r < rows; ++r) tt[static_cast<size_t>(r)] = (r * 37) % vocab;
        tt[29] = vocab + 5;
        std::memcpy(big_targets.data(), tt.data(), tt.size() * 8);
        labo::LossProblem q = pr;
        q.smoothing = LABO_SMOOTHING_TEMPERED;
        q.temperature_rule = LABO_TEMPERATURE_BUDGET;
        q.alpha = 0.1f;
        q.budget_epsilon = 0.5f;
        q.reduction = LABO_REDUCTION_NONE;
        q.rows = rows;
        q.vocab = vocab;
        q.logits_row_stride = vocab;
        q.grad_row_stride = vocab;
        q.logits = big.data();
        q.grad = big.data();
        q.targets = static_cast<const int64_t *>(big_targets.data());
        q.loss = static_cast<float *>(row_loss.data());
        q.row_temperature = static_cast<float *>(row_t.data());
        const std::vector<unsigned char> logits_before(big.bytes(), big.bytes() + big.size());
        const std::vector<unsigned char> loss_before(row_loss.bytes(), row_loss.bytes() + row_loss.size());
        const std::vector<unsigned char> t_before(row_t.bytes(), row_t.bytes() + row_t.size());
        const labo_status st = labo::cuda_loss_forward_backward(q);
        check(st == LABO_STATUS_INVALID_ARGUMENT && emutest::last_error().find("targets[29] = 3005") != std::string::npos,
              "status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        check(std::memcmp(logits_before.data(), big.data(), big.size()) == 0, "in-place logits changed despite the bad target");
        check(std::memcmp(loss_before.data(), row_loss.data(), row_loss.size()) == 0, "row losses written despite the bad target");
        check(std::memcmp(t_before.data(), row_t.data(), row_t.size()) == 0, "row temperatures written despite the bad target");
    }
    emutest::end_case();

    // Stream capture (a CUDA graph): a reporting call waits on the host and is refused before it
    // enqueues anything; a deferred call is captured, and when it is the process's first deferred
    // call, the device's target error record is made during the capture without breaking it.
    // (Before the deferred cases below: no record may exist yet.)
    emutest::begin_case("[errors: stream capture]");
    {
        int64_t good[N] = {1, -100, 9, 0};
        emutest::DeviceBuffer good_targets(N * 8), captured_grad(N * V * 4), captured_loss(4);
        std::memcpy(good_targets.data(), good, sizeof good);
        cudaStream_t stream = nullptr;
        check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking) == cudaSuccess, "stream not made");
        labo::LossProblem c = pr;
        c.targets = static_cast<const int64_t *>(good_targets.data());
        c.smoothing = LABO_SMOOTHING_TEMPERED;
        c.temperature_rule = LABO_TEMPERATURE_BUDGET;
        c.alpha = 0.1f;
        c.budget_epsilon = 0.5f;
        c.stream = stream;
        c.grad = captured_grad.data();
        c.loss = static_cast<float *>(captured_loss.data());
        const long long launches = emu::kernel_launches(), allocations = emu::live_allocations();
        emu::begin_capture(stream);
        labo_status st = labo::cuda_loss_forward_backward(c);
        check(st == LABO_STATUS_INVALID_ARGUMENT &&
                  emutest::last_error().find("LABO_TARGET_ERRORS_DEFERRED") != std::string::npos,
              "reporting call under capture: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        check(emu::kernel_launches() == launches && emu::live_allocations() == allocations,
              "the refused call enqueued work (%lld launches, %lld allocations)", emu::kernel_launches() - launches,
              emu::live_allocations() - allocations);
        c.target_errors = LABO_TARGET_ERRORS_DEFERRED;
        st = labo::cuda_loss_forward_backward(c);
        check(st == LABO_STATUS_OK, "deferred call under capture: status %d, %s", static_cast<int>(st),
              emutest::last_error().c_str());
        check(emu::live_allocations() == allocations + 1, "%lld allocations kept; expected the record alone",
              emu::live_allocations() - allocations);
        check(emu::end_capture(), "the deferred call invalidated the capture");
        // What the captured call wrote equals a reporting call's, made outside the capture.
        c.target_errors = LABO_TARGET_ERRORS_REPORT;
        c.grad = grad.data();
        c.loss = static_cast<float *>(loss.data());
        st = labo::cuda_loss_forward_backward(c);
        check(st == LABO_STATUS_OK, "reporting call after the capture: status %d, %s", static_cast<int>(st),
              emutest::last_error().c_str());
        check(std::memcmp(captured_grad.data(), grad.data(), grad.size()) == 0 &&
                  std::memcmp(captured_loss.data(), loss.data(), loss.size()) == 0,
              "the captured call's loss or gradient differs from a reporting call's");
        check(cudaStreamDestroy(stream) == cudaSuccess, "stream not destroyed");
    }
    emutest::end_case();

    // Deferred target errors: the calls return at once and write nothing; the first bad target
    // waits in the device's record until it is taken, once.
    emutest::begin_case("[errors: deferred target errors]");
    {
        labo_status st = labo::cuda::take_target_error(0);  // makes the record; nothing in it yet
        check(st == LABO_STATUS_OK, "empty record: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        const long long allocations = emu::live_allocations();
        labo::LossProblem d = pr;
        d.target_errors = LABO_TARGET_ERRORS_DEFERRED;
        const std::vector<unsigned char> grad_before(grad.bytes(), grad.bytes() + grad.size());
        const std::vector<unsigned char> loss_before(loss.bytes(), loss.bytes() + loss.size());
        st = labo::cuda_loss_forward_backward(d);
        check(st == LABO_STATUS_OK, "deferred call: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        check(std::memcmp(grad_before.data(), grad.data(), grad.size()) == 0, "gradient written despite the bad target");
        check(std::memcmp(loss_before.data(), loss.data(), loss.size()) == 0, "loss written despite the bad target");
        check(emu::live_allocations() == allocations, "workspace not freed");
        // A second bad call (bad row 1 only) leaves the first record in place.
        int64_t second[N] = {1, 99, 2, 3};
        emutest::DeviceBuffer second_targets(N * 8);
        std::memcpy(second_targets.data(), second, sizeof second);
        d.targets = static_cast<const int64_t *>(second_targets.data());
        st = labo::cuda_loss_forward_backward(d);
        check(st == LABO_STATUS_OK, "second deferred call: status %d", static_cast<int>(st));
        check(std::memcmp(loss_before.data(), loss.data(), loss.size()) == 0, "loss written by the second bad call");
        st = labo::cuda::take_target_error(0);
        check(st == LABO_STATUS_INVALID_ARGUMENT &&
                  emutest::last_error().find("targets[2] = 10 is outside [0, 10) and is not ignore_index (-100)") !=
                      std::string::npos &&
                  emutest::last_error().find("deferred") != std::string::npos,
              "take: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        st = labo::cuda::take_target_error(0);
        check(st == LABO_STATUS_OK, "taken twice: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        check(emu::live_allocations() == allocations, "the record was remade");
    }
    emutest::end_case();
    t[2] = 3;
    t[3] = 4;
    std::memcpy(targets.data(), t, sizeof t);

    // With valid targets a deferred call computes exactly what a reporting call does.
    emutest::begin_case("[errors: deferred call with valid targets]");
    {
        labo::LossProblem d = pr;
        d.smoothing = LABO_SMOOTHING_TEMPERED;
        d.temperature_rule = LABO_TEMPERATURE_BUDGET;
        d.alpha = 0.1f;
        d.budget_epsilon = 0.7f;
        labo_status st = labo::cuda_loss_forward_backward(d);
        check(st == LABO_STATUS_OK, "reporting call: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        const std::vector<unsigned char> grad_reported(grad.bytes(), grad.bytes() + grad.size());
        const std::vector<unsigned char> loss_reported(loss.bytes(), loss.bytes() + loss.size());
        std::memset(grad.data(), 0, grad.size());
        std::memset(loss.data(), 0, loss.size());
        d.target_errors = LABO_TARGET_ERRORS_DEFERRED;
        st = labo::cuda_loss_forward_backward(d);
        check(st == LABO_STATUS_OK, "deferred call: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        check(std::memcmp(grad_reported.data(), grad.data(), grad.size()) == 0, "gradients differ");
        check(std::memcmp(loss_reported.data(), loss.data(), loss.size()) == 0, "losses differ");
        st = labo::cuda::take_target_error(0);
        check(st == LABO_STATUS_OK, "nothing to take: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
    }
    emutest::end_case();

    emutest::begin_case("[errors: host pointers]");
    {
        std::vector<float> host(N * V);
        pr.logits = host.data();
        labo_status st = labo::cuda_loss_forward_backward(pr);
        check(st == LABO_STATUS_INVALID_ARGUMENT && emutest::last_error().rfind("logits", 0) == 0 &&
                  emutest::last_error().find("host memory") != std::string::npos,
              "host logits: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        pr.logits = logits.data();
        pr.row_entropy = host.data();
        st = labo::cuda_loss_forward_backward(pr);
        check(st == LABO_STATUS_INVALID_ARGUMENT && emutest::last_error().rfind("row_entropy", 0) == 0,
              "host row_entropy: status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        pr.row_entropy = nullptr;
    }
    emutest::end_case();

    emutest::begin_case("[errors: misaligned logits]");
    {
        pr.logits = logits.bytes() + 2;
        const labo_status st = labo::cuda_loss_forward_backward(pr);
        check(st == LABO_STATUS_INVALID_ARGUMENT && emutest::last_error().find("not aligned") != std::string::npos,
              "status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        pr.logits = logits.data();
    }
    emutest::end_case();

    emutest::begin_case("[errors: valid call after the refusals]");
    {
        pr.row_entropy = static_cast<float *>(row_h.data());
        const labo_status st = labo::cuda_loss_forward_backward(pr);
        check(st == LABO_STATUS_OK, "status %d, %s", static_cast<int>(st), emutest::last_error().c_str());
        // rows 0 and 3 (1 ignored): mean of two cross-entropies of the row 0.1 * (10 i + k)
        const float l = static_cast<const float *>(loss.data())[0];
        check(l > 0.f && l < 10.f, "loss %g", static_cast<double>(l));
    }
    emutest::end_case();

    emutest::begin_case("[errors: no rows]");
    {
        pr.logits = nullptr;
        pr.targets = nullptr;
        pr.grad = nullptr;
        pr.row_entropy = nullptr;
        pr.rows = 0;
        static_cast<float *>(loss.data())[0] = 7.f;
        const labo_status st = labo::cuda_loss_forward_backward(pr);
        check(st == LABO_STATUS_OK && static_cast<const float *>(loss.data())[0] == 0.f, "status %d, loss %g",
              static_cast<int>(st), static_cast<double>(static_cast<const float *>(loss.data())[0]));
    }
    emutest::end_case();
}
