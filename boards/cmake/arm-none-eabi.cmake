# CMake toolchain file: bare-metal Arm (Cortex-M) with the GNU Arm Embedded toolchain
# (Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi). CPU flags come from the board.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(ES_TOOLCHAIN_PREFIX "arm-none-eabi-" CACHE STRING "Prefix of the cross tools")
set(CMAKE_C_COMPILER ${ES_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_ASM_COMPILER ${ES_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_OBJCOPY ${ES_TOOLCHAIN_PREFIX}objcopy CACHE FILEPATH "objcopy")
set(CMAKE_SIZE ${ES_TOOLCHAIN_PREFIX}size CACHE FILEPATH "size")

# A test program cannot be linked without a board's linker script: test-compile a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
