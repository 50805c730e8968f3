# ctnn_embed_header(OUTPUT <header> INPUT <file.safetensors> NET <type>
#                   [NAME <namespace>] [TYPE float|double] [PREFIX <prefix>]
#                   [RENAME <ctnn name>=<file name>...] [ALLOW_UNEXPECTED] [ALLOW_NONFINITE])
# Generates <header> at build time with ctnn-embed (the target ctnn::embed:
# built with ctnn, or imported by find_package(ctnn)); the header is rebuilt
# when the weights or the tool change. A target that includes it lists it in
# its sources. The options are ctnn-embed's (`ctnn-embed --help`).
function(ctnn_embed_header)
  cmake_parse_arguments(E "ALLOW_UNEXPECTED;ALLOW_NONFINITE" "OUTPUT;INPUT;NET;NAME;TYPE;PREFIX" "RENAME" ${ARGN})
  foreach(required OUTPUT INPUT NET)
    if(NOT E_${required})
      message(FATAL_ERROR "ctnn_embed_header: ${required} is required")
    endif()
  endforeach()
  if(E_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ctnn_embed_header: unknown arguments ${E_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ctnn::embed)
    message(FATAL_ERROR "ctnn_embed_header: no ctnn::embed target (configure ctnn with CTNN_BUILD_TOOLS=ON)")
  endif()
  if(NOT E_NAME)
    set(E_NAME model)
  endif()
  set(args --net ${E_NET} --name ${E_NAME})
  if(E_TYPE)  # else the network's value type
    list(APPEND args --type ${E_TYPE})
  endif()
  if(DEFINED E_PREFIX)
    list(APPEND args --prefix "${E_PREFIX}")
  endif()
  foreach(r IN LISTS E_RENAME)
    list(APPEND args --rename ${r})
  endforeach()
  if(E_ALLOW_UNEXPECTED)
    list(APPEND args --allow-unexpected)
  endif()
  if(E_ALLOW_NONFINITE)
    list(APPEND args --allow-nonfinite)
  endif()
  add_custom_command(OUTPUT ${E_OUTPUT}
    COMMAND ctnn::embed ${E_INPUT} ${args} -o ${E_OUTPUT}
    DEPENDS ctnn::embed ${E_INPUT}
    COMMENT "ctnn-embed ${E_INPUT} -> ${E_OUTPUT}"
    VERBATIM)
endfunction()
