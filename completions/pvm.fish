complete --keep-order --exclusive --command pvm --arguments "(PVM_COMPLETE=fish pvm -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
