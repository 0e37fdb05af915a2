// CUDA emulator: __half and its conversions live in cuda_runtime.h.
#pragma once
#include "cuda_runtime.h"
