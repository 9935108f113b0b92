# Activates a pvm env in csh or tcsh: `source bin/activate.csh`, undo with `deactivate`.
# Written by pvm; the env's path is baked in.

# `[tool.pvm.env]` as `pvm activate` set it: what was there before comes back (first thing).
alias deactivate 'test $?_PVM_ENV_RESTORE != 0 && eval "$_PVM_ENV_RESTORE" && unset _PVM_ENV_RESTORE; test $?_OLD_VIRTUAL_PATH != 0 && setenv PATH "$_OLD_VIRTUAL_PATH" && unset _OLD_VIRTUAL_PATH; rehash; test $?_OLD_VIRTUAL_PROMPT != 0 && set prompt="$_OLD_VIRTUAL_PROMPT" && unset _OLD_VIRTUAL_PROMPT; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; test "\!:*" != "nondestructive" && unalias deactivate'

deactivate nondestructive

setenv VIRTUAL_ENV __VIRTUAL_ENV__
setenv VIRTUAL_ENV_PROMPT __PROMPT__
set _OLD_VIRTUAL_PATH="$PATH"
setenv PATH __BIN__:"$PATH"

# A non-interactive csh has no `prompt` at all: only an existing prompt is saved and changed.
if ($?prompt) then
    set _OLD_VIRTUAL_PROMPT="$prompt"
    if (! $?VIRTUAL_ENV_DISABLE_PROMPT) then
        set prompt = "($VIRTUAL_ENV_PROMPT) $prompt"
    endif
endif

rehash
