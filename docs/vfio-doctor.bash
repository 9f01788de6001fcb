# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for vfio-doctor
_vfio_doctor()
{
	local cur prev words cword
	_init_completion || return
	local cmds="check explain groups collect fix undo ssdt rom help"
	local global="--root --json --no-color --color --help --version"
	local cmd="" i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--root) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	case $prev in
	--root) _filedir -d; return ;;
	-o|--output|--log) _filedir; return ;;
	--from) _filedir json; return ;;
	--xml) _filedir xml; return ;;
	--qemu-cmdline|--backup-dir) _filedir; return ;;
	--domain)
		local doms
		doms=$(virsh list --all --name 2>/dev/null)
		COMPREPLY=($(compgen -W "$doms" -- "$cur"))
		return ;;
	-c|--connect) COMPREPLY=($(compgen -W "qemu:///system qemu:///session" -- "$cur")); return ;;
	--for|--device)
		local bdfs
		bdfs=$(ls /sys/bus/pci/devices 2>/dev/null)
		COMPREPLY=($(compgen -W "$bdfs" -- "$cur"))
		return ;;
	--only)
		local ids
		ids=$(vfio-doctor check --list 2>/dev/null | awk '{print $1}')
		COMPREPLY=($(compgen -W "$ids" -- "${cur##*,}"))
		return ;;
	esac
	case $cmd in
	"") COMPREPLY=($(compgen -W "$cmds $global" -- "$cur")) ;;
	check) COMPREPLY=($(compgen -W "--only --list --quiet --verbose --log --boot --no-logs --xml --qemu-cmdline --connect --domain --no-vms $global" -- "$cur")) ;;
	explain)
		local ids
		ids=$(vfio-doctor check --list 2>/dev/null | awk '{print $1}')
		COMPREPLY=($(compgen -W "$ids --json" -- "$cur")) ;;
	groups) COMPREPLY=($(compgen -W "$global" -- "$cur")) ;;
	collect) COMPREPLY=($(compgen -W "-o --output --no-logs $global" -- "$cur")) ;;
	fix) COMPREPLY=($(compgen -W "--only --from --apply --domain --xml --connect --backup-dir $global" -- "$cur")) ;;
	undo) COMPREPLY=($(compgen -W "--list $global" -- "$cur")) ;;
	ssdt) COMPREPLY=($(compgen -W "battery -o --output $global" -- "$cur")) ;;
	rom)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--for --strip --device -o --output $global" -- "$cur"))
		else
			_filedir
		fi ;;
	esac
}
complete -F _vfio_doctor vfio-doctor
