# Debian 12's xsimd 8.1 exports a link to `xtl` (it was built with xtl
# support) but does not depend on libxtl-dev; xsimd needs xtl only for
# XSIMD_ENABLE_XTL_COMPLEX, which ctnn does not use. Without an `xtl` target
# the link would become a bare `-lxtl`, so drop it.
if(TARGET xsimd AND NOT TARGET xtl)
  get_target_property(_ctnn_xsimd_libs xsimd INTERFACE_LINK_LIBRARIES)
  if(_ctnn_xsimd_libs)
    list(REMOVE_ITEM _ctnn_xsimd_libs xtl)
    set_target_properties(xsimd PROPERTIES INTERFACE_LINK_LIBRARIES "${_ctnn_xsimd_libs}")
  endif()
  unset(_ctnn_xsimd_libs)
endif()
