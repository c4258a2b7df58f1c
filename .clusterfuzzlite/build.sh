#!/bin/bash -eu
# ClusterFuzzLite runs $SRC/build.sh; the real script is shared with OSS-Fuzz.
exec bash "$SRC/wsspec/fuzz/oss-fuzz/build.sh"
