# Helpers shared by setup-infrastructure.sh and cleanup-infrastructure.sh (sourced, not run): printing,
# --dry-run handling, AWS CLI calls and not-found detection.
# shellcheck shell=bash
export AWS_PAGER=''
ERR_FILE=$(mktemp)
trap 'rm -f "$ERR_FILE"' EXIT
dry_run=false
CHANGES=0

fail() {
  echo "error: $*" >&2
  exit 1
}

# Fails unless option $1 has a value ($2).
need_value() {
  [[ $# -ge 2 && -n $2 && $2 != --* ]] || fail "$1 needs a value (see --help)"
}

# A command line as a shell would read it back: plain words bare, anything else in single quotes.
shell_words() {
  local arg line='' q="'\\''"
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then line+=" $arg"; else line+=" '${arg//\'/$q}'"; fi
  done
  printf '%s\n' "${line# }"
}

# Runs a read-only AWS call (also in --dry-run), its output in CHECK_OUT. Returns 1 when AWS says the thing
# does not exist; stops the script on any other error.
aws_check() {
  local status=0
  # shellcheck disable=SC2034 # the callers read CHECK_OUT
  CHECK_OUT=$(aws "$@" 2>"$ERR_FILE") || status=$?
  [[ $status -ne 0 ]] || return 0
  if grep -qE '\((ResourceNotFoundException|TableNotFoundException|NoSuchEntity|NotFound)\)' "$ERR_FILE"; then
    return 1
  fi
  echo "error: $(shell_words aws "$@") failed (exit $status):" >&2
  cat "$ERR_FILE" >&2
  exit 1
}

# Prints an AWS call that changes something as "+ aws ...", then runs it unless --dry-run. With a first
# argument --retry-on CODE, retries (up to a minute) while the call fails with that error code.
change() {
  local retry_on='' attempt=1
  if [[ $1 == --retry-on ]]; then
    retry_on=$2
    shift 2
  fi
  CHANGES=$((CHANGES + 1))
  echo "+ $(shell_words aws "$@")"
  [[ $dry_run == false ]] || return 0
  until aws "$@" >/dev/null 2>"$ERR_FILE"; do
    if [[ -n $retry_on && $attempt -lt 12 ]] && grep -q "($retry_on)" "$ERR_FILE"; then
      attempt=$((attempt + 1))
      sleep 5
      continue
    fi
    cat "$ERR_FILE" >&2
    fail "$(shell_words aws "$1" "$2") failed"
  done
}

# KEY's value in env file $1 (the last assignment), empty when the file or the key is absent.
env_get() {
  [[ -f $1 ]] || return 0
  sed -n "s/^$2=//p" "$1" | tail -n 1
}

# The region: $1 (--region), AWS_REGION, AWS_DEFAULT_REGION, the env file's, then the CLI's configuration.
resolve_region() {
  local region=${1:-${AWS_REGION:-${AWS_DEFAULT_REGION:-$(env_get "$env_file" AWS_REGION)}}}
  [[ -n $region ]] || region=$(aws configure get region 2>/dev/null || true)
  [[ $region =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] ||
    fail "no usable AWS region (got \"$region\"): pass --region or set AWS_REGION"
  echo "$region"
}

valid_table_name() {
  [[ $1 =~ ^[A-Za-z0-9_.-]{3,255}$ ]] ||
    fail "--table must be 3-255 letters, digits, '_', '-' and '.'; got \"$1\""
}
valid_role_name() {
  [[ $1 =~ ^[A-Za-z0-9+=,.@_-]{1,64}$ ]] || fail "--role must be an IAM role name; got \"$1\""
}
