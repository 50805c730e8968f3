# run_step(<command>...): echoes the command, runs it, stops on failure.
function(run_step)
  list(JOIN ARGN " " line)
  message("ctnn-consumer: ${line}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ctnn-consumer: FAILED (exit ${rc}): ${line}")
  endif()
endfunction()

# The generator and compiler arguments every inner configure gets.
set(generator_args -G Ninja -DCMAKE_CXX_COMPILER=${CXX})
if(MAKE_PROGRAM)
  list(APPEND generator_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
