/*
 * labo4j native library: raw CUDA device buffers, streams and event timing, so that Java tests and
 * benchmarks can drive the CUDA kernels without a GPU build of libtorch.
 *
 * Same contract as labo.h: nothing throws; every function returns a labo_status and sets the
 * message of labo_last_error() on failure. A build without CUDA (or a machine without a driver or
 * device) answers LABO_STATUS_NO_CUDA_DEVICE. Every function makes `device` the current device for
 * the duration of the call and restores the previous one. Copies are synchronous.
 */
#ifndef LABO_LABO_CUDA_H_
#define LABO_LABO_CUDA_H_

#include <stdint.h>

#include "labo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* *out = bytes of device memory on `device` (NULL for 0 bytes). */
LABO_API labo_status labo_cuda_malloc(int32_t device, int64_t bytes, void **out);

/* Frees memory from labo_cuda_malloc (NULL: nothing to do). */
LABO_API labo_status labo_cuda_free(int32_t device, void *ptr);

/* Synchronous copies: host to device, device to host, device to device. */
LABO_API labo_status labo_cuda_memcpy_h2d(int32_t device, void *dst_device, const void *src_host, int64_t bytes);
LABO_API labo_status labo_cuda_memcpy_d2h(int32_t device, void *dst_host, const void *src_device, int64_t bytes);
LABO_API labo_status labo_cuda_memcpy_d2d(int32_t device, void *dst_device, const void *src_device, int64_t bytes);

/* Synchronous fill of `bytes` bytes with the byte `value` (0xFF fills floats with NaN). */
LABO_API labo_status labo_cuda_memset(int32_t device, void *dst_device, int32_t value, int64_t bytes);

/* Waits for all work on `device`. */
LABO_API labo_status labo_cuda_synchronize(int32_t device);

/* A non-blocking stream (cudaStream_t) of `device`; destroy with labo_cuda_stream_destroy. */
LABO_API labo_status labo_cuda_stream_create(int32_t device, void **out_stream);
LABO_API labo_status labo_cuda_stream_destroy(int32_t device, void *stream);
/* Waits for all work on `stream` (NULL: the legacy default stream). */
LABO_API labo_status labo_cuda_stream_synchronize(int32_t device, void *stream);

/* The device's name (e.g. "NVIDIA H100 80GB HBM3"), NUL-terminated, truncated to capacity - 1. */
LABO_API labo_status labo_cuda_device_name(int32_t device, char *buffer, int32_t capacity);

/*
 * Which kernel a row of `vocab` elements of `dtype` takes on `device`: *out_path is a static string,
 * "warp4x1" .. "warp32x8" (lanes per row x 16-byte chunks per lane, row in registers),
 * "block-smem" (a block per row, row in shared memory) or "block-stream" (a block per row, the row
 * re-read from global memory). Tests use it to cover every path.
 */
LABO_API labo_status labo_cuda_kernel_path(int32_t device, int32_t dtype, int64_t vocab, const char **out_path);

/*
 * Event timing of a device-to-device copy of `bytes` bytes on `stream` (NULL: legacy default):
 * `warmup` untimed copies, then `repeats` copies enqueued back to back, each between two events;
 * times_ms[i] receives the i-th copy's time in milliseconds. The bandwidth baseline of a kernel
 * that reads and writes the same bytes.
 */
LABO_API labo_status labo_cuda_time_copy(int32_t device, void *stream, void *dst_device, const void *src_device,
                                         int64_t bytes, int32_t warmup, int32_t repeats, float *times_ms);

/*
 * Event timing of labo_loss_forward_backward(config, args) on args->stream (args->device_type must
 * be LABO_DEVICE_CUDA): `warmup` untimed calls, then `repeats` timed calls; times_ms[i] receives
 * the i-th call's time on the device (events recorded before and after the call, so it includes the
 * call's target check and the copy of its verdict). Stops at the first failing call.
 */
LABO_API labo_status labo_cuda_time_loss(const labo_loss_config *config, const labo_loss_args *args, int32_t warmup,
                                         int32_t repeats, float *times_ms);

/*
 * The first bad target met by a call with LABO_TARGET_ERRORS_DEFERRED on `device` since the last
 * take (or since the process started): INVALID_ARGUMENT with the row, the target, the vocabulary
 * and ignore_index in labo_last_error(), and the record is cleared; LABO_STATUS_OK if there is
 * none. Waits for all work on the device first, so every earlier call's check has run. The record
 * is device memory made by the first deferred call or take on the device: take once before
 * capturing deferred calls in a CUDA graph, so that the capture allocates nothing.
 */
LABO_API labo_status labo_cuda_take_target_error(int32_t device);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LABO_LABO_CUDA_H_ */
