#!/usr/bin/env bash
# Packs the checks of the Java API on libtorch CUDA tensors (tests/org/labo4j/CudaTensorPathTest.java)
# and of training on the GPU (tests/org/labo4j/cli/CudaTrainingTest.java: Multi30k de-en and a small
# image set) for the borrowed GPU machine, as bench/gpu-pack-torch/ (git-ignored), for a device call
# of its own:
#   bash bench/gpu/pack.sh && bash bench/gpu/pack-torch.sh
# then there: bash bench/gpu/run-torch-tests.sh (carry: ["bench/gpu-pack-torch"]).
#
# The GPU build of libtorch for the JavaCPP presets is 458 MB and cannot travel. The GPU machine has
# PyTorch's own libtorch (with its CUDA libraries, from pip), so the pack carries only the JavaCPP
# glue: the presets' JNI libraries (libjnitorch, libjnitorch_cuda from the linux-x86_64-gpu jar, the
# CUDA presets' JNI libraries), which run-torch-tests.sh puts next to PyTorch's libraries. The glue
# is built for libtorch ${pytorch.version}; on another libtorch it works only where the two agree in
# the layouts and symbols it uses, which CudaTensorPathTest.tensorMetadataCrossesTheBindingIntact
# checks first. The presets also load OpenBLAS (their libtorch uses it; PyTorch's does not). Java
# calls into it only to size the BLAS thread pool (org.labo4j.train.CpuThreads), which the
# OpenBLAS presets do by looking up MKL's and OpenBLAS's thread-count functions by name in the
# loaded libraries: PyTorch's libtorch carries MKL's, so the real openblas_nolapack JNI library
# (330 KB) travels, and empty libraries named libopenblas{,_nolapack}.so.0 stand in for the 37 MB
# library it links (its BLAS entry points bind lazily and are never called), as an empty
# libjniopenblas.so stands in for the full JNI library nothing here calls.
#
# Layout of the pack:
#   jre/, lib/labo4j.jar, lib/javacpp*.jar, lib/junit-platform-console-standalone.jar  from bench/gpu-pack
#   lib/pytorch.jar, lib/cuda.jar, lib/openblas.jar   the presets' Java classes
#   lib/cuda-linux-x86_64.jar   the JNI libraries of the CUDA presets that libtorch's CUDA binding loads
#                               (no CUDA itself: that comes from PyTorch's pip packages)
#   lib/jfreechart.jar          the training runs' charts
#   data/multi30k/              Multi30k's German and English files
#   jni/libjnitorch.so.gz, jni/libjnitorch_cuda.so
#   jni/libjniopenblas_nolapack.so   the OpenBLAS presets' JNI library (thread-count calls)
#   jni/libjniopenblas.so, jni/libopenblas{,_nolapack}.so.0   empty stand-ins
#   test-classes/   CudaTensorPathTest, CudaTrainingTest and their helpers
#   PACK-INFO.txt
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source bench/gpu/unpack-jre.sh
ROOT=$PWD
BASE=$ROOT/bench/gpu-pack
PACK=$ROOT/bench/gpu-pack-torch
LIMIT_MIB=56
M2=${M2_REPO:-$HOME/.m2/repository}

die() { echo "pack-torch.sh: $*" >&2; exit 1; }
prop() { sed -n "/<$1>/{s:.*<$1>\(.*\)</$1>.*:\1:p;q}" pom.xml; }

[[ -x "$BASE/jre/bin/java" && -f "$BASE/lib/labo4j.jar" ]] || die "run bash bench/gpu/pack.sh first"
[[ -f target/test-classes/org/labo4j/CudaTensorPathTest.class && -f target/test-classes/org/labo4j/cli/CudaTrainingTest.class ]] \
  || die "no compiled CudaTensorPathTest / CudaTrainingTest: run bash bench/gpu/pack.sh"
command -v gcc >/dev/null || die "gcc is needed for the empty OpenBLAS stand-ins"

JAVACPP_VERSION=$(prop javacpp.version)
PYTORCH_VERSION=$(prop pytorch.version | sed "s/\${javacpp.version}/$JAVACPP_VERSION/")
OPENBLAS_VERSION=$(prop openblas.version | sed "s/\${javacpp.version}/$JAVACPP_VERSION/")
CUDA_VERSION=$(sed -n '/<artifactId>cuda<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;q}' pom.xml \
  | sed "s/\${javacpp.version}/$JAVACPP_VERSION/")
[[ -n "$CUDA_VERSION" ]] || die "cannot read the CUDA presets version from pom.xml"

fetch() {  # fetch GROUP ARTIFACT VERSION [CLASSIFIER]: the jar's path in the local Maven repository
  local group=$1 artifact=$2 version=$3 classifier=${4:-}
  local jar=$M2/${group//.//}/$artifact/$version/$artifact-$version${classifier:+-$classifier}.jar
  if [[ ! -f "$jar" ]]; then
    mvn -B -ntp -q dependency:get -Dtransitive=false \
      -Dartifact="$group:$artifact:$version:jar${classifier:+:$classifier}" >&2 || die "cannot fetch $group:$artifact:$version:$classifier"
  fi
  echo "$jar"
}

TORCH_GPU_JAR=$(fetch org.bytedeco pytorch "$PYTORCH_VERSION" linux-x86_64-gpu)  # 458 MB, once
CUDA_NATIVE_JAR=$(fetch org.bytedeco cuda "$CUDA_VERSION" linux-x86_64)

rm -rf "$PACK"
mkdir -p "$PACK/lib" "$PACK/jni" "$PACK/test-classes/org/labo4j"
cp -r "$BASE/jre" "$PACK/"
drop_unpacked_jre "$PACK"  # what a local run of the checks unpacked: the .xz files travel
[[ -f "$PACK/jre/lib/modules.xz" ]] || die "$BASE has no xz-compressed Java runtime: run bash bench/gpu/pack.sh again"
cp "$BASE"/lib/{labo4j,javacpp,javacpp-linux-x86_64,junit-platform-console-standalone}.jar "$PACK/lib/"
cp "$(fetch org.bytedeco pytorch "$PYTORCH_VERSION")" "$PACK/lib/pytorch.jar"
cp "$(fetch org.bytedeco cuda "$CUDA_VERSION")" "$PACK/lib/cuda.jar"
cp "$(fetch org.bytedeco openblas "$OPENBLAS_VERSION")" "$PACK/lib/openblas.jar"
cp "$(fetch org.jfree jfreechart "$(sed -n '/<artifactId>jfreechart<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;q}' pom.xml)")" \
  "$PACK/lib/jfreechart.jar"
# Of the CUDA presets' JNI libraries, those of the presets that libtorch's CUDA binding inherits.
CUDA_JNI=org/bytedeco/cuda/linux-x86_64
(
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  cd "$scratch"
  unzip -q "$CUDA_NATIVE_JAR" "META-INF/*" $(printf "$CUDA_JNI/libjni%s.so " cudart cublas cudnn cusparse cusolver cupti)
  jar --create --file "$PACK/lib/cuda-linux-x86_64.jar" -C "$scratch" .
)

GPU_DIR=org/bytedeco/pytorch/linux-x86_64-gpu
unzip -p "$TORCH_GPU_JAR" "$GPU_DIR/libjnitorch.so" | gzip -9 > "$PACK/jni/libjnitorch.so.gz"
unzip -p "$TORCH_GPU_JAR" "$GPU_DIR/libjnitorch_cuda.so" > "$PACK/jni/libjnitorch_cuda.so"
OPENBLAS_NATIVE_JAR=$(fetch org.bytedeco openblas "$OPENBLAS_VERSION" linux-x86_64)
unzip -p "$OPENBLAS_NATIVE_JAR" org/bytedeco/openblas/linux-x86_64/libjniopenblas_nolapack.so \
  > "$PACK/jni/libjniopenblas_nolapack.so"
for stand_in in libjniopenblas.so libopenblas.so.0 libopenblas_nolapack.so.0; do
  echo 'int labo4j_openblas_stand_in;' | gcc -shared -fPIC -x c - -Wl,-soname,$stand_in -o "$PACK/jni/$stand_in"
done

mkdir -p "$PACK/test-classes/org/labo4j/cli" "$PACK/test-classes/org/labo4j/vision/data"
cp target/test-classes/org/labo4j/CudaTensorPathTest*.class target/test-classes/org/labo4j/TestTensors*.class \
  "$PACK/test-classes/org/labo4j/"
cp target/test-classes/org/labo4j/cli/{CudaTrainingTest,CommandRun}*.class "$PACK/test-classes/org/labo4j/cli/"
cp target/test-classes/org/labo4j/vision/data/{SyntheticDataset,IdxTestFiles}*.class \
  "$PACK/test-classes/org/labo4j/vision/data/"

MULTI30K=${LABO4J_MULTI30K:-$ROOT/../shared/data/multi30k}
[[ -f "$MULTI30K/train.de.gz" ]] || die "no Multi30k at $MULTI30K (set LABO4J_MULTI30K)"
mkdir -p "$PACK/data/multi30k"
cp "$MULTI30K"/*.de.gz "$MULTI30K"/*.en.gz "$PACK/data/multi30k/"

{
  echo "labo4j libtorch-CUDA pack"
  echo "made:     $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n)"
  echo "commit:   $(git rev-parse HEAD 2>/dev/null)$(git diff --quiet HEAD -- java tests 2>/dev/null || echo ' + uncommitted changes in java/ or tests/')"
  echo "presets:  pytorch $PYTORCH_VERSION (JNI of linux-x86_64-gpu), cuda $CUDA_VERSION, openblas $OPENBLAS_VERSION"
  grep -E '^(liblabo|java):' "$BASE/PACK-INFO.txt"
  (cd "$PACK" && du -sh jre lib jni test-classes data | tr '\t' ' ')
} > "$PACK/PACK-INFO.txt"

SIZE_KIB=$(du -sk "$PACK" | cut -f1)
cat "$PACK/PACK-INFO.txt"
echo "pack: $PACK, $((SIZE_KIB / 1024)) MiB (limit $LIMIT_MIB MiB; the device call carries at most 64 MiB with the tree)"
(( SIZE_KIB <= LIMIT_MIB * 1024 )) || die "the pack is over $LIMIT_MIB MiB"
