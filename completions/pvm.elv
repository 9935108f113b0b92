
set edit:completion:arg-completer[pvm] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) PVM_COMPLETE="elvish" pvm -- $@words) | to-lines
}

