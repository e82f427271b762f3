# write_if_changed(FILE CONTENT): rewrites FILE only when CONTENT differs, so a
# regenerated source that did not change triggers no recompilation.
function(write_if_changed file content)
  if(EXISTS "${file}")
    file(READ "${file}" old)
  else()
    set(old "")
  endif()
  if(NOT old STREQUAL content)
    file(WRITE "${file}" "${content}")
  endif()
endfunction()
