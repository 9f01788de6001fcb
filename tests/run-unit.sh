#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a C unit test, under $VD_WRAP (valgrind) when the test setup asks for it.
exec ${VD_WRAP:-} "$@"
