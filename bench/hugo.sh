#!/usr/bin/env bash
# Makes a Hugo site of the same documents as a ccg-site benchmark site, with templates of
# comparable weight (page shell, navigation, table of contents, listings), for reference timing.
#   bash bench/hugo.sh SITE_DIR HUGO_DIR
set -euo pipefail
site="$1"; out="$2"
rm -rf "$out"; mkdir -p "$out/layouts/_default"
cp -r "$site/content" "$out/content"
cat > "$out/hugo.toml" <<'TOML'
baseURL = "https://www.northfield-ccg.example.nhs.uk/"
languageCode = "en-GB"
title = "NHS Northfield Clinical Commissioning Group"
disableKinds = ["taxonomy", "term", "RSS"]
[markup.goldmark.renderer]
unsafe = false
[minify]
minifyOutput = true
TOML
shell='<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ .Title }}</title><link rel="stylesheet" href="/style.css"></head><body><a class="skip" href="#main">Skip to main content</a><header><a href="/">{{ site.Title }}</a><nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav></header><main id="main">BODY</main><footer><a href="/accessibility-statement/">Accessibility statement</a></footer></body></html>'
echo "${shell/BODY/<h1>{{ .Title }}</h1><nav>{{ .TableOfContents }}</nav>{{ .Content }}}" > "$out/layouts/_default/single.html"
echo "${shell/BODY/<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>}" > "$out/layouts/_default/list.html"
echo "${shell/BODY/<h1>{{ site.Title }}</h1><ul>{{ range first 10 site.RegularPages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>}" > "$out/layouts/index.html"
