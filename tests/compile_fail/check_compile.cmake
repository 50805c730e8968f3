# Compiles one test file with -fsyntax-only and checks the result against the
# directives in the file itself:
#
#   // expect: <regex>          must match the compiler output. A regex that
#                               starts with `ctnn: ` (a message, not a
#                               `ctnn::` name) must match the text of a
#                               failed static assertion (`error: static
#                               assertion failed: ctnn: ...` with g++,
#                               `error: static_assert failed due to requirement
#                               '...' "ctnn: ..."` with clang).
#   // expect-success           the file must compile (a positive test).
#   // allow-error: <regex>     an error line matching <regex> is tolerated.
#                               Any other error that is not a ctnn static
#                               assertion fails the case: a shape mistake must
#                               not surface from deep inside the library.
#   // harness-must-fail: <re>  a sanity case: this check must fail, with a
#                               verdict matching <re> (checked by MODE=reason).
#   // expect-lines-before: N   at most N lines of compiler output before the
#                               (any text after N is a comment)
#                               first `ctnn:` static assertion (default 5, for
#                               every negative case): the include and
#                               instantiation chains must not bury the message.
#   // allow-second-ctnn-error  the case holds two mistakes: two ctnn errors.
#
# Every negative case must also give exactly one error (the ctnn static
# assertion) unless it tolerates others with the two directives above.
#
#   cmake -DSOURCE=x.cpp -DFLAGS_FILE=compile_flags.cmake -DLOG=x.log -P check_compile.cmake
#   cmake -DMODE=reason -DSOURCE=x.cpp -DLOG=x.log -P check_compile.cmake
#
# Every verdict line starts with "ctnn-compile-fail:"; a failed check prints
# "ctnn-compile-fail: FAILED" (the tests' FAIL_REGULAR_EXPRESSION), so the
# PASS_REGULAR_EXPRESSION on the ctnn message can never pass a failed check.
cmake_minimum_required(VERSION 3.20)

foreach(var SOURCE LOG)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ctnn-compile-fail: FAILED: ${var} is not set")
  endif()
endforeach()

set(nl "\n")
# The start of a failed static assertion, in both compilers' words.
set(static_assert_failed "error: static[ _]assert(ion)? failed[^${nl}]*")

file(STRINGS "${SOURCE}" expects REGEX "^// expect: ")
list(TRANSFORM expects REPLACE "^// expect: " "")
file(STRINGS "${SOURCE}" expect_success REGEX "^// expect-success$")
file(STRINGS "${SOURCE}" allowed_errors REGEX "^// allow-error: ")
list(TRANSFORM allowed_errors REPLACE "^// allow-error: " "")
file(STRINGS "${SOURCE}" lines_before_max REGEX "^// expect-lines-before: [0-9]+")
list(TRANSFORM lines_before_max REPLACE "^// expect-lines-before: ([0-9]+).*" "\\1")
if(NOT lines_before_max)
  set(lines_before_max 5)
endif()
file(STRINGS "${SOURCE}" harness_reason REGEX "^// harness-must-fail: ")
list(TRANSFORM harness_reason REPLACE "^// harness-must-fail: " "")

# ---- MODE=reason: the sanity case failed, and for the expected reason -------
if(MODE STREQUAL "reason")
  if(NOT harness_reason)
    message(FATAL_ERROR "ctnn-compile-fail: FAILED: ${SOURCE} has no '// harness-must-fail:' line")
  endif()
  if(NOT EXISTS "${LOG}")
    message(FATAL_ERROR "ctnn-compile-fail: FAILED: no log ${LOG}: the sanity case did not run to a verdict")
  endif()
  file(READ "${LOG}" log)
  message("${log}")
  foreach(re IN LISTS harness_reason)
    if(NOT log MATCHES "ctnn-compile-fail: FAILED: [^${nl}]*${re}")
      message(FATAL_ERROR "ctnn-compile-fail: FAILED: the harness rejected the sanity case for another reason "
                          "than '${re}'")
    endif()
  endforeach()
  message("ctnn-compile-fail: ok: the harness rejected the sanity case for the expected reason")
  return()
endif()

# ---- compile ------------------------------------------------------------------
include("${FLAGS_FILE}")
set(include_dirs ${CTNN_INCLUDE_DIRS})
list(REMOVE_DUPLICATES include_dirs)
# -I of an implicit directory (/usr/include) would break #include_next in libstdc++.
if(CTNN_IMPLICIT_INCLUDE_DIRS)
  list(REMOVE_ITEM include_dirs ${CTNN_IMPLICIT_INCLUDE_DIRS})
endif()
list(TRANSFORM include_dirs PREPEND "-I")
set(definitions ${CTNN_DEFINITIONS})
list(TRANSFORM definitions PREPEND "-D")
set(command ${CTNN_CXX} ${CTNN_STD_FLAG} -fsyntax-only -fdiagnostics-color=never ${include_dirs} ${definitions}
            ${CTNN_OPTIONS} "${SOURCE}")

file(REMOVE "${LOG}")
list(JOIN command " " command_line)
set(transcript "${command_line}${nl}")
execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE output ERROR_VARIABLE output)
string(APPEND transcript "${output}")

macro(verdict text)
  string(APPEND transcript "ctnn-compile-fail: ${text}${nl}")
endmacro()
macro(finish)
  file(WRITE "${LOG}" "${transcript}")
  message("${transcript}")  # as is (FATAL_ERROR would re-wrap the compiler's lines)
  if(transcript MATCHES "ctnn-compile-fail: FAILED")
    message(FATAL_ERROR "ctnn-compile-fail: FAILED (see above)")
  endif()
  return()
endmacro()

if(expect_success)
  if(NOT rc EQUAL 0)
    verdict("FAILED: the compile failed (exit ${rc}), but it must succeed")
  else()
    verdict("ok: compiled")
  endif()
  finish()
endif()

if(NOT expects)
  verdict("FAILED: ${SOURCE} has no '// expect:' line")
  finish()
endif()
if(rc EQUAL 0)
  verdict("FAILED: the compile succeeded, but it must fail")
  finish()
endif()

foreach(expect IN LISTS expects)
  set(re "${expect}")
  if(re MATCHES "^ctnn: ")
    set(re "${static_assert_failed}${re}")
    string(APPEND expect " (as a failed static assertion)")
  endif()
  if(NOT output MATCHES "${re}")
    verdict("FAILED: expected text not found: ${expect}")
  endif()
endforeach()

# The first ctnn static assertion comes within lines_before_max lines.
string(REGEX MATCH "${static_assert_failed}ctnn: " first_assertion "${output}")
if(first_assertion)
  string(FIND "${output}" "${first_assertion}" at)
  string(SUBSTRING "${output}" 0 ${at} head)
  string(REGEX MATCHALL "${nl}" head_lines "${head}")
  list(LENGTH head_lines n_before)
  if(n_before GREATER lines_before_max)
    verdict("FAILED: ${n_before} lines before the first ctnn: error (at most ${lines_before_max})")
  else()
    verdict("ok: ${n_before} lines before the first ctnn: error (at most ${lines_before_max})")
  endif()
endif()

# Exactly one error: every error must be a ctnn static assertion, or one the
# file tolerates, and there is one ctnn static assertion.
string(REGEX MATCHALL "${static_assert_failed}ctnn: " ctnn_errors "${output}")
list(LENGTH ctnn_errors n_ctnn)
if(n_ctnn GREATER 1)
  file(STRINGS "${SOURCE}" allow_second REGEX "^// allow-second-ctnn-error$")
  if(NOT allow_second)
    verdict("FAILED: ${n_ctnn} ctnn errors: one mistake must give one error")
  endif()
endif()
string(REGEX REPLACE "${static_assert_failed}ctnn: " "" other "${output}")
foreach(re IN LISTS allowed_errors)
  string(REGEX REPLACE "error:[^${nl}]*${re}" "" other "${other}")
endforeach()
string(REGEX MATCHALL "error:" other_errors "${other}")
list(LENGTH other_errors n_other)
if(n_other GREATER 0)
  verdict("FAILED: ${n_other} error(s) are neither ctnn static assertions nor allowed by '// allow-error:'")
endif()

if(NOT transcript MATCHES "ctnn-compile-fail: FAILED")
  list(LENGTH expects n)
  verdict("ok: the compile failed (exit ${rc}) and all ${n} expected texts were found")
endif()
finish()
