" Vim syntax file for the sbx policy language (sbxc, docs/language.md).
" Install: copy editors/vim/ into ~/.vim (or a package's start/ directory).
if exists("b:current_syntax")
  finish
endif

syn case match
syn keyword sbxStatement sbx policy use param default group expect never accept on
syn keyword sbxEffect allow deny
syn keyword sbxRight read write exec connect bind net fork signal ptrace syscall mach-lookup sysctl-read iokit-open ipc-posix-shm capability
syn keyword sbxModifier required create because wider if errno kill kill-process kill-thread trap log
syn keyword sbxPlatform macos linux windows landlock seccomp
syn keyword sbxProto tcp udp unix
syn keyword sbxProcess self children any
syn match sbxComment "#.*$" contains=sbxTodo,@Spell
syn keyword sbxTodo TODO FIXME XXX contained
syn region sbxString start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contains=sbxEscape,sbxParam
syn match sbxEscape +\\\(["\\nt]\|x\x\x\)+ contained
syn match sbxParam "\${[A-Za-z_][A-Za-z0-9_]*}"
syn match sbxPath "\(^\|\s\)\zs\(/\|\~\|\.\.\?/\|\${[A-Za-z_][A-Za-z0-9_]*}\)\(\${[A-Za-z_][A-Za-z0-9_]*}\|[^ \t#;{}()"]\)*" contains=sbxParam,sbxGlob
syn match sbxGlob "\*\*\?" contained
syn match sbxGroup "@[A-Za-z_][A-Za-z0-9_-]*"
syn match sbxNumber "\<\(0x\x\+\|0o\o\+\|\d\+\)\>"
syn match sbxEndpoint "\(\[[0-9A-Fa-f:.]\+\]\|[A-Za-z0-9*._-]\+\)\(/\d\+\)\?:\(\d\+\(-\d\+\)\?\|\*\)"
syn match sbxConst "\<\(AF\|O\|PROT\|CLONE\|SOCK\|E\)_\?[A-Z0-9_]\+\>"
syn region sbxBlock start="{" end="}" transparent fold

hi def link sbxStatement Statement
hi def link sbxEffect Keyword
hi def link sbxRight Type
hi def link sbxModifier PreProc
hi def link sbxPlatform Constant
hi def link sbxProto Constant
hi def link sbxProcess Constant
hi def link sbxComment Comment
hi def link sbxTodo Todo
hi def link sbxString String
hi def link sbxEscape SpecialChar
hi def link sbxParam Identifier
hi def link sbxPath Directory
hi def link sbxGlob Special
hi def link sbxGroup Special
hi def link sbxNumber Number
hi def link sbxEndpoint Underlined
hi def link sbxConst Constant

let b:current_syntax = "sbx"
