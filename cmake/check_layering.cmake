# Checks that no source file includes a header of a folder it may not depend
# on — the one direction of flow of docs/architecture.md:
#
#   engine   -> (nothing of the project)
#   models   -> engine (the model interface)
#   outputs  -> engine (the result types)
#   app      -> engine, models, outputs
#
#   cmake -DROOT=<source dir> -P cmake/check_layering.cmake
#
# An include is resolved as the compiler would: relative to the including
# file, then in each folder's include/ (and in app/). The folder it resolves
# to must be the includer's own or one it may depend on. Includes that resolve
# to no folder of the project are system headers; the program's own library,
# CLI11, is refused outside app/. Exit status 1 and one line per offending
# include (file:line) if any; the CMake build enforces the same graph on
# the targets' link libraries (CMakeLists.txt).

cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<source dir> -P check_layering.cmake")
endif()

set(folders engine models outputs app)
set(may_use_engine "")
set(may_use_models engine)
set(may_use_outputs engine)
set(may_use_app engine models outputs)
set(program_only_headers "CLI/")

# The project folder that `path` (absolute, normalised) lies in, or "".
function(owner_of path out)
  set(owner "")
  foreach(f IN LISTS folders)
    string(FIND "${path}" "${ROOT}/${f}/" at)
    if(at EQUAL 0)
      set(owner ${f})
    endif()
  endforeach()
  set(${out} "${owner}" PARENT_SCOPE)
endfunction()

# Where `inc`, included from a file in `dir`, is found: its owner folder or "".
function(resolve dir inc out)
  set(candidates "${dir}/${inc}")
  foreach(f IN LISTS folders)
    list(APPEND candidates "${ROOT}/${f}/include/${inc}" "${ROOT}/${f}/include/${inc}.in")
  endforeach()
  list(APPEND candidates "${ROOT}/app/${inc}")
  foreach(c IN LISTS candidates)
    if(EXISTS "${c}" AND NOT IS_DIRECTORY "${c}")
      cmake_path(NORMAL_PATH c)
      owner_of("${c}" owner)
      set(${out} "${owner}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

set(violations 0)
foreach(folder IN ITEMS engine models outputs)
  file(GLOB_RECURSE sources "${ROOT}/${folder}/*.hpp" "${ROOT}/${folder}/*.h" "${ROOT}/${folder}/*.cpp"
       "${ROOT}/${folder}/*.in")
  foreach(src IN LISTS sources)
    get_filename_component(dir "${src}" DIRECTORY)
    file(STRINGS "${src}" lines)
    set(n 0)
    foreach(line IN LISTS lines)
      math(EXPR n "${n} + 1")
      if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"]")
        continue()
      endif()
      set(inc "${CMAKE_MATCH_1}")
      file(RELATIVE_PATH rel "${ROOT}" "${src}")
      resolve("${dir}" "${inc}" owner)
      if(owner STREQUAL "")
        foreach(prefix IN LISTS program_only_headers)
          string(FIND "${inc}" "${prefix}" at)
          if(at EQUAL 0)
            message("${rel}:${n}: includes ${inc}, a library of the program (app/) only")
            math(EXPR violations "${violations} + 1")
          endif()
        endforeach()
      elseif(NOT owner STREQUAL folder AND NOT owner IN_LIST may_use_${folder})
        string(REPLACE ";" ", " allowed "${may_use_${folder}}")
        if(allowed STREQUAL "")
          set(allowed "no other folder")
        endif()
        message("${rel}:${n}: includes ${inc} from ${owner}/; ${folder}/ may depend on ${allowed}")
        math(EXPR violations "${violations} + 1")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations GREATER 0)
  message(FATAL_ERROR "layering: ${violations} includes cross the layering (docs/architecture.md, \"Layout\")")
endif()
message("layering: engine, models and outputs include only what they may depend on")
