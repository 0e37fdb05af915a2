// CUDA emulator: __nv_bfloat16 and its conversions live in cuda_runtime.h.
#pragma once
#include "cuda_runtime.h"
