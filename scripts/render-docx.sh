#!/usr/bin/env bash
# Renders a .docx to PNG pages next to it (x.docx -> x-1.png, x-2.png, …) to see how a
# generated document prints. Installs LibreOffice Writer, poppler and the Noto CJK fonts
# (plus AR PL UKai for 楷体) from Debian if they are missing.
#
# The official fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体 …) are not free; for this
# preview only, a private fontconfig file maps them to the nearest free faces so that the
# title, body and headings still look different: 小标宋 -> Noto Serif CJK SC Bold,
# 仿宋/宋体 -> Noto Serif CJK SC, 黑体 -> Noto Sans CJK SC, 楷体 -> AR PL UKai CN.
#
#   scripts/render-docx.sh path/to/x.docx [more.docx …]
#
# RESOLUTION (dpi, default 60) sets the PNG size.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 FILE.docx [FILE.docx …]" >&2
    exit 2
fi

missing=()
command -v libreoffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fonts="$(fc-list 2>/dev/null || true)"
grep -q 'Noto Serif CJK SC' <<<"$fonts" || missing+=(fonts-noto-cjk)
grep -q 'AR PL UKai' <<<"$fonts" || missing+=(fonts-arphic-ukai)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

dpi="${RESOLUTION:-60}"

fontconf="$(mktemp --suffix=.conf)"
trap 'rm -f "$fontconf"' EXIT
{
    echo '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
    echo '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
    # family names -> substitute, weight
    while read -r substitute weight names; do
        for name in ${names//,/ }; do
            echo "<match target=\"pattern\"><test name=\"family\"><string>$name</string></test>"
            echo "<edit name=\"family\" mode=\"assign\" binding=\"strong\"><string>$substitute</string></edit>"
            [ "$weight" = bold ] && echo '<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>'
            echo '</match>'
        done
    done <<'MAP'
Noto_Serif_CJK_SC bold 方正小标宋简体,方正小标宋_GBK,FZXiaoBiaoSong-B05S,华文中宋,STZhongsong
Noto_Serif_CJK_SC regular 仿宋_GB2312,仿宋,FangSong,FangSong_GB2312,宋体,SimSun
Noto_Sans_CJK_SC regular 黑体,SimHei
AR_PL_UKai_CN regular 楷体_GB2312,楷体,KaiTi,KaiTi_GB2312
MAP
    echo '</fontconfig>'
} | sed 's/Noto_Serif_CJK_SC/Noto Serif CJK SC/; s/Noto_Sans_CJK_SC/Noto Sans CJK SC/; s/AR_PL_UKai_CN/AR PL UKai CN/' >"$fontconf"
export FONTCONFIG_FILE="$fontconf"
for docx in "$@"; do
    docx="$(realpath "$docx")"
    dir="$(dirname "$docx")"
    base="$(basename "$docx" .docx)"
    # A private profile: no clash with a running office, no first-start dialogs.
    profile="$(mktemp -d)"
    libreoffice -env:UserInstallation="file://$profile" --headless --convert-to pdf \
        --outdir "$dir" "$docx" >/dev/null
    rm -rf "$profile"
    rm -f "$dir/$base"-*.png
    pdftoppm -png -r "$dpi" "$dir/$base.pdf" "$dir/$base"
    ls "$dir/$base"-*.png
done
