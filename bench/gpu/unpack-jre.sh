# Sourced by the GPU-machine run scripts: unpacks the packed Java runtime's JVM library, which
# bench/gpu/pack.sh gzips for the transfer. Usage: unpack_jre PACK_DIR
unpack_jre() {
  local jvm=$1/jre/lib/server/libjvm.so
  if [[ -f "$jvm.gz" && ! -f "$jvm" ]]; then
    gunzip -c "$jvm.gz" > "$jvm.part" && mv "$jvm.part" "$jvm"
  fi
  [[ -f "$jvm" ]]
}
