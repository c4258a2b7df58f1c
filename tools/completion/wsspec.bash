# bash completion for wsspec. Installed as share/bash-completion/completions/wsspec; to try
# it from a checkout: source tools/completion/wsspec.bash
#
# Options are read from `wsspec <command> --help`, so the completion never lags behind the
# binary; case ids (--cases, --exclude, `cases show`) come from `wsspec cases`.

_wsspec_commands="serve test-server test-client client report cases"

_wsspec() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    local prog=${words[0]} command="" i
    for ((i = 1; i < cword; i++)); do
        case " $_wsspec_commands " in
            *" ${words[i]} "*) command=${words[i]}; break ;;
        esac
    done
    if [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$_wsspec_commands --help --version" -- "$cur"))
        return
    fi
    case $prev in
        --cases | --exclude | show)
            COMPREPLY=($(compgen -W "$("$prog" cases 2>/dev/null | cut -f1)" -- "$cur"))
            return ;;
        --report-dir | --cases-dir | --from | --merge | --compare | --baseline | \
            --write-baseline | --spec | --ca | --cert | --key)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --format)
            COMPREPLY=($(compgen -W "all json autobahn html junit" -- "$cur"))
            return ;;
        --role)
            COMPREPLY=($(compgen -W "server client" -- "$cur"))
            return ;;
    esac
    local options
    options=$("$prog" "$command" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    [[ $command == cases ]] && options+=" show"
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
}
complete -F _wsspec wsspec
