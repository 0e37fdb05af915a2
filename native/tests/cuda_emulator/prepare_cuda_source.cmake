# Turns one labo4j CUDA source (.cu or .cuh) into C++ that the CUDA emulator compiles (run at build
# time by cmake/LaboCudaEmulatorTests.cmake):
#   cmake -DINPUT=<native/src/cuda/x.cu> -DOUTPUT=<build dir>/x.cpp -P prepare_cuda_source.cmake
#
# Only these constructs are rewritten; everything else is compiled as written, against the fake
# CUDA headers of include/:
#   kernel<<<grid, block[, smem[, stream]]>>>(args);
#       -> ::emu::launch(&kernel, [&] { kernel(args); }, grid, block[, smem[, stream]]);
#   reinterpret_cast<[const ]uint4 *>(p)      -> ::emu::aligned16<[const ]uint4>(p)  (checked 16-byte access)
#   extern __shared__ __align__(16) unsigned char dynamic_smem[];
#       -> unsigned char *dynamic_smem = ::emu::dynamic_smem();
#   #pragma unroll [n]                        -> a comment (the host compiler does not know it)
# A launch whose configuration or arguments contain a ';' is not recognised: the script then stops
# with an error rather than emit something that does not compile or runs the wrong thing.
cmake_minimum_required(VERSION 3.22)
if(NOT DEFINED INPUT OR NOT DEFINED OUTPUT)
  message(FATAL_ERROR "usage: cmake -DINPUT=<file.cu> -DOUTPUT=<file.cpp> -P prepare_cuda_source.cmake")
endif()
file(READ "${INPUT}" source)

string(REPLACE "reinterpret_cast<const uint4 *>(" "::emu::aligned16<const uint4>(" source "${source}")
string(REPLACE "reinterpret_cast<uint4 *>(" "::emu::aligned16<uint4>(" source "${source}")
string(REPLACE "extern __shared__ __align__(16) unsigned char dynamic_smem[];"
               "unsigned char *dynamic_smem = ::emu::dynamic_smem();" source "${source}")
string(REGEX REPLACE "#pragma unroll[^\n]*" "/* #pragma unroll (nvcc) */" source "${source}")
# name[<template arguments>]<<<configuration>>>(arguments);  (none of the parts holds a ';')
string(REGEX REPLACE
       "([A-Za-z_][A-Za-z0-9_]*(<[^<>;]*>)?)<<<([^;]*)>>>\\(([^;]*)\\);"
       "::emu::launch(&\\1, [&] { \\1(\\4); }, \\3);"
       source "${source}")
string(FIND "${source}" "<<<" leftover)
if(NOT leftover EQUAL -1)
  message(FATAL_ERROR "${INPUT}: a kernel launch the CUDA emulator cannot rewrite (a ';' inside <<<...>>>(...)?)")
endif()
string(FIND "${source}" "dynamic_smem[]" leftover)
if(NOT leftover EQUAL -1)
  message(FATAL_ERROR "${INPUT}: an extern __shared__ declaration the CUDA emulator does not know")
endif()

# Diagnostics and debuggers point at the original file.
file(WRITE "${OUTPUT}.tmp" "#line 1 \"${INPUT}\"\n${source}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
