#!/usr/bin/env bash
# Every file in bad_yaml/ is a broken experiment. For each one, both
#   cascade validate FILE
#   cascade run FILE -o OUT.h5 --replicas 1
# must exit with code 2 (bad input: no crash, no hang), print a diagnostic line naming the file
# with :LINE:COL and the key path given by the file's `# expect: <key.path>` comment (empty for
# errors without a key, e.g. YAML syntax), print the `# expect-message: <text>` if there is one,
# and leave nothing behind: no output file, no temporary file.
#
# If ../base.yaml exists (the valid experiment the bad files are variations of), it must validate.
#
# usage: run_bad_yaml.sh CASCADE_BINARY BAD_YAML_DIR
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 CASCADE_BINARY BAD_YAML_DIR" >&2
  exit 64
fi
cascade=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cascade_bad_yaml.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
checked=0
fail() {
  echo "FAIL: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then sed 's/^/    | /' "$2" >&2; fi
  failures=$((failures + 1))
}

base="$dir/../base.yaml"
if [ -f "$base" ]; then
  if ! timeout 60 "$cascade" validate "$base" >"$work/base.out" 2>&1; then
    fail "base.yaml does not validate: every bad file would fail for the wrong reason" "$work/base.out"
  fi
fi

shopt -s nullglob
files=("$dir"/*.yaml)
if [ ${#files[@]} -eq 0 ]; then
  echo "no .yaml files in $dir" >&2
  exit 1
fi

for file in "${files[@]}"; do
  name=$(basename "$file")
  has_expect=0
  grep -q '^# expect:' "$file" && has_expect=1
  expect_path=$(sed -n 's/^# expect: *//p' "$file" | head -n 1 | sed 's/[[:space:]]*$//')
  expect_message=$(sed -n 's/^# expect-message: *//p' "$file" | head -n 1 | sed 's/[[:space:]]*$//')
  name_re=$(printf '%s' "$name" | sed 's/[.[\*^$]/\\&/g')

  for mode in validate run; do
    sandbox="$work/sandbox"
    rm -rf "$sandbox"
    mkdir -p "$sandbox"
    # Run inside an empty folder so that any stray file (default output path, temporaries) shows.
    if [ "$mode" = validate ]; then
      (cd "$sandbox" && timeout 60 "$cascade" validate "$file") >"$work/stdout" 2>"$work/stderr"
    else
      (cd "$sandbox" && timeout 60 "$cascade" run "$file" -o "$sandbox/out.h5" --replicas 1) \
        >"$work/stdout" 2>"$work/stderr"
    fi
    rc=$?
    checked=$((checked + 1))
    if [ $rc -ne 2 ]; then
      fail "$name ($mode): exit code $rc, expected 2" "$work/stderr"
      continue
    fi
    located=$(grep -E "${name_re}:[0-9]+:[0-9]+" "$work/stderr")
    if [ -z "$located" ]; then
      fail "$name ($mode): no diagnostic with $name:LINE:COL on stderr" "$work/stderr"
    elif [ $has_expect -eq 1 ] && [ -n "$expect_path" ] && ! grep -qF -- "$expect_path" <<<"$located"; then
      fail "$name ($mode): no $name:LINE:COL diagnostic for key path '$expect_path'" "$work/stderr"
    fi
    if [ -n "$expect_message" ] && ! grep -qF -- "$expect_message" "$work/stderr"; then
      fail "$name ($mode): stderr lacks '$expect_message'" "$work/stderr"
    fi
    leftovers=$(cd "$sandbox" && find . -mindepth 1 | head -n 5)
    if [ -n "$leftovers" ]; then
      fail "$name ($mode): left files behind: $(echo $leftovers)"
    fi
  done
done

echo "bad_yaml: ${#files[@]} files, $checked runs, $failures failure(s)"
[ $failures -eq 0 ]
