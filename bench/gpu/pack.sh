#!/usr/bin/env bash
# Packs what the GPU check needs on the borrowed GPU machine, which has CUDA, Python and PyTorch but
# no Java and no network: builds the CUDA-enabled library and jars here (nvcc is here), makes a small
# Java runtime with jlink, and gathers everything into bench/gpu-pack/ (git-ignored), which the
# device call carries. Run from anywhere in the checkout that the device call sends:
#   bash bench/gpu/pack.sh            # build, then pack
#   bash bench/gpu/pack.sh --no-build # pack what target/ already holds
# Layout of the pack:
#   jre/            jlink runtime (java.base, jdk.unsupported, java.logging, java.desktop), its JVM
#                   library and module image xz-compressed (bench/gpu/unpack-jre.sh)
#   lib/*.jar       labo4j (natives inside), JavaCPP + its linux-x86_64 natives, JUnit console launcher
#   test-classes/   the CUDA-path test classes (org/labo4j/cuda)
#   native/         libgomp, in case the machine lacks it (liblabo.so itself travels once, inside
#                   labo4j.jar: run-gpu-checks.sh unpacks it for gpu_check.py, saving 19 MB)
#   PACK-INFO.txt   commit, date, sizes, checksums
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
PACK=$ROOT/bench/gpu-pack
LIMIT_MIB=60
# A build directory of its own: one configured earlier without nvcc would keep building without CUDA.
BUILD_DIR=$ROOT/target/gpu-native-build
INSTALL_DIR=$ROOT/target/gpu-native

die() { echo "pack.sh: $*" >&2; exit 1; }
prop() { sed -n "/<$1>/{s:.*<$1>\(.*\)</$1>.*:\1:p;q}" pom.xml; }

command -v nvcc >/dev/null || die "nvcc is not on the PATH: the library would have no CUDA kernels"
command -v jlink >/dev/null || die "jlink (a JDK) is not on the PATH"
command -v xz >/dev/null || die "xz is needed to compress the Java runtime (apt-get install xz-utils)"
export CUDACXX=${CUDACXX:-$(command -v nvcc)}

if [[ "${1:-}" != "--no-build" ]]; then
  # package compiles the tests too; -DskipTests only skips running them.
  mvn -B -ntp -DskipTests -Dnative.build.dir="$BUILD_DIR" -Dnative.install.dir="$INSTALL_DIR" package
fi

JAR=$(ls target/labo4j-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1)
[[ -f "$JAR" ]] || die "no project jar in target/: build first"
LIB=$INSTALL_DIR/lib/liblabo.so
[[ -f "$LIB" ]] || die "$LIB is missing: build first"
python3 - "$LIB" <<'EOF' || die "$LIB was built without the CUDA kernels (is nvcc on the PATH?)"
import ctypes, sys
sys.exit(0 if ctypes.CDLL(sys.argv[1]).labo_built_with_cuda() == 1 else 1)
EOF
# (grep reads a variable: grep -q on a pipe can kill its writer, which pipefail reports as a failure)
LISTING=$(unzip -Z1 "$JAR")
grep -qx 'org/labo4j/nativeapi/linux-x86_64/libjniLaboCudaNative.so' <<<"$LISTING" \
  || die "$JAR holds no JNI library of LaboCudaNative"
# The jar must carry the library just checked: the one with the CUDA kernels.
cmp -s "$LIB" <(unzip -p "$JAR" org/labo4j/nativeapi/linux-x86_64/liblabo.so) \
  || die "the liblabo.so inside $JAR is not $LIB: rebuild without --no-build"

M2=${M2_REPO:-$HOME/.m2/repository}
JAVACPP_VERSION=$(prop javacpp.version)
JUNIT_VERSION=$(prop junit.version)
# JUnit Jupiter 5.x.y ships with platform 1.x.y; from 6.0 both share one version.
if [[ $JUNIT_VERSION == 5.* ]]; then PLATFORM_VERSION=1.${JUNIT_VERSION#5.}; else PLATFORM_VERSION=$JUNIT_VERSION; fi
CONSOLE=$M2/org/junit/platform/junit-platform-console-standalone/$PLATFORM_VERSION/junit-platform-console-standalone-$PLATFORM_VERSION.jar
if [[ ! -f "$CONSOLE" ]]; then
  mvn -B -ntp dependency:get -Dartifact="org.junit.platform:junit-platform-console-standalone:$PLATFORM_VERSION" \
    || die "cannot fetch junit-platform-console-standalone $PLATFORM_VERSION"
fi
JAVACPP=$M2/org/bytedeco/javacpp/$JAVACPP_VERSION/javacpp-$JAVACPP_VERSION.jar
JAVACPP_NATIVE=$M2/org/bytedeco/javacpp/$JAVACPP_VERSION/javacpp-$JAVACPP_VERSION-linux-x86_64.jar
for f in "$JAVACPP" "$JAVACPP_NATIVE" "$CONSOLE"; do [[ -f "$f" ]] || die "$f is missing"; done

rm -rf "$PACK"
mkdir -p "$PACK/lib" "$PACK/native" "$PACK/test-classes/org/labo4j"
cp "$JAR" "$PACK/lib/labo4j.jar"
cp "$JAVACPP" "$PACK/lib/javacpp.jar"
cp "$JAVACPP_NATIVE" "$PACK/lib/javacpp-linux-x86_64.jar"
cp "$CONSOLE" "$PACK/lib/junit-platform-console-standalone.jar"
# Only the CUDA-path tests: they need neither libtorch nor the other test helpers.
cp -r target/test-classes/org/labo4j/cuda "$PACK/test-classes/org/labo4j/"
GOMP=$(ldd "$LIB" | awk '/libgomp/ {print $3}')
[[ -n "$GOMP" && -f "$GOMP" ]] && cp -L "$GOMP" "$PACK/native/"

# java.logging: JUnit's logging; jdk.unsupported: JavaCPP's Unsafe access; java.desktop: the
# training runs' pictures (AWT images, JFreeChart) in bench/gpu/pack-torch.sh, which reuses this runtime.
jlink --add-modules java.base,jdk.unsupported,java.logging,java.desktop \
  --strip-debug --no-header-files --no-man-pages --compress=0 --output "$PACK/jre"
# The JVM library and the module image are nearly all of the runtime: they travel xz-compressed
# (the image uncompressed by jlink, then xz: 47 -> 10 MB, against 22 MB with jlink's own zip), and
# the run scripts unpack them there (bench/gpu/unpack-jre.sh), leaving room under the transfer limit.
xz -9 -T2 "$PACK/jre/lib/server/libjvm.so" "$PACK/jre/lib/modules"

{
  echo "labo4j GPU pack"
  echo "made:    $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n)"
  echo "commit:  $(git rev-parse HEAD 2>/dev/null)$(git diff --quiet HEAD -- native java 2>/dev/null || echo ' + uncommitted changes in native/ or java/')"
  echo "nvcc:    $(nvcc --version | tail -1)"
  echo "java:    jlink runtime of JDK $(jlink --version)"
  echo "liblabo: $(sha256sum "$LIB" | cut -c1-16), needs $(objdump -T "$LIB" | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -1)"
  (cd "$PACK" && du -sh jre lib test-classes native | tr '\t' ' ')
} > "$PACK/PACK-INFO.txt"

SIZE_KIB=$(du -sk "$PACK" | cut -f1)
cat "$PACK/PACK-INFO.txt"
echo "pack: $PACK, $((SIZE_KIB / 1024)) MiB (limit $LIMIT_MIB MiB; the device call carries at most 64 MiB with the tree)"
(( SIZE_KIB <= LIMIT_MIB * 1024 )) || die "the pack is over $LIMIT_MIB MiB"
