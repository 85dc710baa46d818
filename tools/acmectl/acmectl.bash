# bash completion for acmectl (mod_acme); installed as
# /usr/share/bash-completion/completions/acmectl. Plain bash (compgen), no
# helper of the bash-completion package needed. Commands and options follow
# `acmectl --help` (tests/integration/test_720_completion.py compares them).

_acmectl_names() {
    # Certificate names: the sets under live/, less the second key type's
    # (NAME_rsa2048 ...), which are not names acmectl takes.
    local dir=$1/live entry
    [[ -d $dir ]] || return 0
    for entry in "$dir"/*; do
        [[ -e $entry ]] || continue
        entry=${entry##*/}
        case $entry in
            *_rsa2048 | *_rsa3072 | *_rsa4096 | *_p256 | *_p384) ;;
            *) printf '%s\n' "$entry" ;;
        esac
    done
}

# COMPREPLY = compgen's words for $cur, one per line (names with spaces stay whole).
_acmectl_reply() {
    mapfile -t COMPREPLY < <(compgen "$@" -- "$cur")
}

_acmectl() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="status check preflight renew revoke rollover sync help"
    local store=${ACME_STORE_DIR:-/var/lib/apache2/acme} cmd="" word i npos=0
    # "--store=DIR" reaches us as "--store" "=" "DIR" (COMP_WORDBREAKS has =).
    [[ $cur == "=" ]] && cur=""
    [[ $prev == "=" ]] && prev=${COMP_WORDS[COMP_CWORD - 2]}
    COMPREPLY=()

    case $prev in
        --store) _acmectl_reply -d; return 0 ;;
        --ca-file | --cluster) _acmectl_reply -f; return 0 ;;
        --connect | --ca | --resolver | --http-port | --tls-port) return 0 ;;
        --challenges) _acmectl_reply -W "http-01 tls-alpn-01 dns-01 http-01,dns-01"; return 0 ;;
    esac

    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        [[ ${COMP_WORDS[i + 1]} == "=" ]] && ((i++))
        case $word in
            --store) ((i++)); store=${COMP_WORDS[i]} ;;
            --cluster | --ca-file | --connect | --ca | --resolver | --http-port | --tls-port | --challenges)
                ((i++)) ;;
            -*) ;;
            *) if [[ -z $cmd ]]; then cmd=$word; else ((npos++)); fi ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _acmectl_reply -W "--store --cluster --help --version"
        else
            _acmectl_reply -W "$commands"
        fi
        return 0
    fi

    local opts="--help"
    case $cmd in
        status) opts="--json --store --cluster --help" ;;
        check) opts="--ca-file --connect --help" ;;
        preflight) opts="--ca --resolver --challenges --http-port --tls-port --store --help" ;;
        renew | revoke | rollover | sync) opts="--store --cluster --help" ;;
    esac
    if [[ $cur == -* ]]; then
        _acmectl_reply -W "$opts"
        return 0
    fi

    case $cmd:$npos in
        help:0) _acmectl_reply -W "status check preflight renew revoke rollover sync" ;;
        check:0) _acmectl_reply -W "https://"; compopt -o nospace 2>/dev/null ;;
        renew:0 | revoke:0) _acmectl_reply -W "$(_acmectl_names "$store")" ;;
        revoke:1)
            _acmectl_reply -W "unspecified keyCompromise affiliationChanged superseded
                                     cessationOfOperation" ;;
    esac
    return 0
}

complete -F _acmectl acmectl
