# Activates a pvm env in bash or zsh: `source bin/activate`, undo with `deactivate`.
# Written by pvm; the env's path is baked in.

deactivate () {
    # `[tool.pvm.env]` as `pvm activate` or `pvm shell` set it: what was there before comes back.
    if [ -n "${_PVM_ENV_RESTORE:-}" ]; then
        eval "$_PVM_ENV_RESTORE"
        unset _PVM_ENV_RESTORE
    fi
    if [ -n "${_OLD_VIRTUAL_PATH:-}" ]; then
        PATH="${_OLD_VIRTUAL_PATH:-}"
        export PATH
        unset _OLD_VIRTUAL_PATH
    fi
    if [ -n "${_OLD_VIRTUAL_PYTHONHOME:-}" ]; then
        PYTHONHOME="${_OLD_VIRTUAL_PYTHONHOME:-}"
        export PYTHONHOME
        unset _OLD_VIRTUAL_PYTHONHOME
    fi
    if [ -n "${_OLD_VIRTUAL_PS1+set}" ]; then
        PS1="${_OLD_VIRTUAL_PS1}"
        export PS1
        unset _OLD_VIRTUAL_PS1
    fi
    unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT
    hash -r 2>/dev/null
    if [ "${1:-}" != "nondestructive" ]; then
        unset -f deactivate
    fi
}

# Leave any other env first.
deactivate nondestructive

VIRTUAL_ENV=__VIRTUAL_ENV__
export VIRTUAL_ENV
VIRTUAL_ENV_PROMPT=__PROMPT__
export VIRTUAL_ENV_PROMPT

_OLD_VIRTUAL_PATH="$PATH"
PATH=__BIN__:"$PATH"
export PATH

if [ -n "${PYTHONHOME+set}" ]; then
    _OLD_VIRTUAL_PYTHONHOME="${PYTHONHOME:-}"
    unset PYTHONHOME
fi

if [ -z "${VIRTUAL_ENV_DISABLE_PROMPT:-}" ]; then
    _OLD_VIRTUAL_PS1="${PS1:-}"
    PS1="(${VIRTUAL_ENV_PROMPT}) ${PS1:-}"
    export PS1
fi

hash -r 2>/dev/null
