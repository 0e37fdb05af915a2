# Sourced by the GPU pack scripts. bench/gpu/pack.sh xz-compresses the packed Java runtime's two
# large files (the JVM library and the module image) for the transfer:
#   unpack_jre PACK_DIR          on the GPU machine (or in a local run): unpacks them next to the .xz
#   drop_unpacked_jre PACK_DIR   here, before packing again: removes what a local run unpacked
# Unpacks with xz where it is installed, else with Python's lzma (the GPU machine has Python).
JRE_PACKED_FILES=(lib/server/libjvm.so lib/modules)

unpack_jre() {
  local file path
  for file in "${JRE_PACKED_FILES[@]}"; do
    path=$1/jre/$file
    if [[ -f "$path.xz" && ! -f "$path" ]]; then
      if command -v xz >/dev/null; then
        xz -dc "$path.xz" > "$path.part"
      else
        python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
          "$path.xz" "$path.part"
      fi || { rm -f "$path.part"; return 1; }
      mv "$path.part" "$path"
    fi
    [[ -f "$path" ]] || return 1
  done
}

drop_unpacked_jre() {
  local file
  for file in "${JRE_PACKED_FILES[@]}"; do
    [[ -f "$1/jre/$file.xz" ]] && rm -f "$1/jre/$file"
  done
  return 0
}
