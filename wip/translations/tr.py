#!/usr/bin/env python3
"""Translation helper for smtpcodes content.

  tr.py todo LANG [DIR...]    source files without a LANG translation (with word counts)
  tr.py stamp LANG [FILE...]  write translated_from = <source hash> into LANG files
  tr.py check LANG [FILE...]  validate LANG files against their sources
  tr.py locale LANG          check locales/active.LANG.toml against active.en.toml
  tr.py hash SOURCE.md        print a source file's text hash

DIR is one of codes enhanced providers compare responses/<provider> (default: all).
Run from the repository root (/work/main).
"""
import hashlib, os, re, sys, glob, tomllib

ROOT = os.getcwd()
LANGS = [os.path.basename(p)[7:-5] for p in glob.glob("locales/active.*.toml")]
KIND_KEYS = {"code", "a", "b", "provider", "family"}
ALLOWED = KIND_KEYS | {"title", "summary", "translated_from", "translation", "reviewer"}

def split(path):
    raw = open(path, encoding="utf-8").read()
    if not raw.startswith("+++\n"):
        raise ValueError(f"{path}: no front matter")
    end = raw.index("\n+++\n", 3)
    fm = tomllib.loads(raw[4:end + 1])
    body = raw[end + 5:]
    return fm, body, raw

def texthash(fm, body):
    h = hashlib.sha256()
    h.update((fm.get("title", "") + "\x00" + fm.get("summary", "") + "\x00").encode())
    h.update(body.encode())
    return h.hexdigest()[:12]

def is_source(path):
    base = os.path.basename(path)[:-3]
    if "." not in base:
        return True
    tag = base.rsplit(".", 1)[1]
    return not (re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", tag) and tag not in ("md",)) or False

def sources(dirs):
    if not dirs:
        dirs = ["codes", "enhanced", "providers", "compare"] + sorted(
            "responses/" + d for d in os.listdir("content/responses") if os.path.isdir("content/responses/" + d))
    out = []
    for d in dirs:
        for p in sorted(glob.glob(f"content/{d}/*.md")):
            base = os.path.basename(p)[:-3]
            # a source has no language tag: its stem after the last dot is not a tag
            stem = base.rsplit(".", 1)
            if len(stem) == 2 and (stem[1] in LANGS or re.fullmatch(r"[a-z]{2}(-[A-Z][a-z]{3}|-[A-Z]{2})?", stem[1])):
                continue
            out.append(p)
    return out

def tr_path(src, lang):
    return src[:-3] + "." + lang + ".md"

def src_path(tr, lang):
    suffix = "." + lang + ".md"
    assert tr.endswith(suffix), tr
    return tr[: -len(suffix)] + ".md"

FENCE = re.compile(r"^(```|~~~)")

def sections(body):
    """Return [(id, text, [code blocks])] split at '::: id' lines."""
    secs, cur, lines = [], None, []
    def flush():
        if cur is not None or lines:
            text = "\n".join(lines)
            secs.append((cur, text, codeblocks(lines)))
    for line in body.split("\n"):
        m = re.fullmatch(r":::\s*([a-z0-9-]+)\s*", line)
        if m:
            flush()
            cur, lines = m.group(1), []
        else:
            lines.append(line)
    flush()
    return [s for s in secs if s[0] is not None or s[1].strip()]

def codeblocks(lines):
    blocks, inb, buf = [], False, []
    for line in lines:
        if FENCE.match(line.strip()) and not inb:
            inb, buf = True, []
        elif line.strip().startswith("```") and inb:
            blocks.append("\n".join(buf)); inb = False
        elif inb:
            buf.append(line)
    return blocks

def prose(text):
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return text

def glossary(lang):
    p = f"content/glossary/{lang}.toml"
    if not os.path.exists(p):
        return []
    return tomllib.load(open(p, "rb")).get("term", [])

def check_file(path, lang, terms):
    errs = []
    src = src_path(path, lang)
    if not os.path.exists(src):
        return [f"{path}: no source {src}"]
    try:
        sfm, sbody, _ = split(src)
        fm, body, raw = split(path)
    except Exception as e:
        return [f"{path}: {e}"]
    for k in fm:
        if k not in ALLOWED:
            errs.append(f"{path}: key {k!r} not allowed in a translation")
    for k in KIND_KEYS:
        if sfm.get(k) != fm.get(k):
            errs.append(f"{path}: {k} = {fm.get(k)!r}, source has {sfm.get(k)!r}")
    for k in ("title", "summary"):
        if k in sfm and not str(fm.get(k, "")).strip():
            errs.append(f"{path}: {k} missing")
        if k not in sfm and k in fm:
            errs.append(f"{path}: {k} present but the source has none")
    if fm.get("translation") not in ("machine", "reviewed"):
        errs.append(f"{path}: translation must be \"machine\"")
    if fm.get("translated_from") != texthash(sfm, sbody):
        errs.append(f"{path}: translated_from {fm.get('translated_from')!r} != source hash {texthash(sfm, sbody)} (run tr.py stamp)")
    ss, ts = sections(sbody), sections(body)
    if [s[0] for s in ss] != [t[0] for t in ts]:
        errs.append(f"{path}: sections {[t[0] for t in ts]} != source {[s[0] for s in ss]}")
    else:
        for s, t in zip(ss, ts):
            if s[2] != t[2]:
                errs.append(f"{path}: section {s[0]!r}: code blocks differ from the source (keep them byte for byte)")
            if s[1].strip() and not t[1].strip():
                errs.append(f"{path}: section {s[0]!r} is empty")
            # an untranslated section: long runs of the English text
            if len(prose(s[1]).split()) > 30 and prose(s[1]).strip() == prose(t[1]).strip():
                errs.append(f"{path}: section {s[0]!r} is the English text")
    p = prose(raw.split("\n+++\n", 1)[1]) + " " + fm.get("title", "") + " " + fm.get("summary", "")
    for t in terms:
        for a in t.get("avoid", []):
            if a in p:
                errs.append(f"{path}: glossary: {a!r} for {t['en']!r} (use {t['use']!r})")
    return errs


PLURALS = {"de": ["one", "other"], "es": ["one", "many", "other"], "fr": ["one", "many", "other"],
           "pt-BR": ["one", "many", "other"], "ru": ["one", "few", "many", "other"],
           "ko": ["other"], "zh-Hans": ["other"], "zh-Hant": ["other"], "ja": ["other"]}

def placeholders(s):
    return sorted(set(re.findall(r"\{\{[^}]*\}\}", s)))

def check_locale(lang):
    en = tomllib.load(open("locales/active.en.toml", "rb"))
    p = f"locales/active.{lang}.toml"
    try:
        tr = tomllib.load(open(p, "rb"))
    except Exception as e:
        print(f"{p}: {e}"); return 1
    bad = 0
    for k, v in en.items():
        if k not in tr:
            if isinstance(v, str) and v == "":
                continue  # optional message
            print(f"{p}: {k} missing"); bad += 1; continue
        t = tr[k]
        if isinstance(v, dict):
            if isinstance(t, str) and PLURALS.get(lang) == ["other"]:
                t = {"other": t}
            if not isinstance(t, dict):
                print(f"{p}: {k} must be a table of plural forms"); bad += 1; continue
            want = PLURALS.get(lang, ["one", "other"])
            if sorted(t) != sorted(want):
                print(f"{p}: {k}: forms {sorted(t)}, want {want}"); bad += 1
            for f, s in t.items():
                if placeholders(s) != placeholders(v["other"]):
                    print(f"{p}: {k}.{f}: placeholders {placeholders(s)} != {placeholders(v['other'])}"); bad += 1
        else:
            if not isinstance(t, str):
                print(f"{p}: {k} must be a string"); bad += 1; continue
            if v != "" and not t.strip():
                print(f"{p}: {k} empty"); bad += 1
            if placeholders(t) != placeholders(v):
                print(f"{p}: {k}: placeholders {placeholders(t)} != {placeholders(v)}"); bad += 1
    for k in tr:
        if k not in en:
            print(f"{p}: {k} is not an id of active.en.toml"); bad += 1
    print(f"{p}: {len(tr)} ids, {bad} problems")
    return bad

def main():
    if len(sys.argv) < 3:
        print(__doc__); sys.exit(2)
    cmd, arg = sys.argv[1], sys.argv[2]
    rest = sys.argv[3:]
    if cmd == "locale":
        sys.exit(1 if check_locale(arg) else 0)
    if cmd == "hash":
        fm, body, _ = split(arg); print(texthash(fm, body)); return
    lang = arg
    if cmd == "todo":
        n = w = 0
        for s in sources(rest):
            if not os.path.exists(tr_path(s, lang)):
                words = len(open(s, encoding="utf-8").read().split())
                print(f"{words:6d} {s}"); n += 1; w += words
        print(f"{n} files, {w} words to go")
    elif cmd == "stamp":
        files = rest or [tr_path(s, lang) for s in sources([]) if os.path.exists(tr_path(s, lang))]
        for f in files:
            sfm, sbody, _ = split(src_path(f, lang))
            h = texthash(sfm, sbody)
            raw = open(f, encoding="utf-8").read()
            end = raw.index("\n+++\n", 3)
            front, body = raw[:end], raw[end:]
            if re.search(r'^translated_from\s*=.*$', front, flags=re.M):
                front = re.sub(r'^translated_from\s*=.*$', f'translated_from = "{h}"', front, flags=re.M)
            else:
                front += f'\ntranslated_from = "{h}"'
            if not re.search(r'^translation\s*=', front, flags=re.M):
                front += '\ntranslation = "machine"'
            open(f, "w", encoding="utf-8").write(front + body)
        print(f"stamped {len(files)} files")
    elif cmd == "check":
        terms = glossary(lang)
        files = rest or [tr_path(s, lang) for s in sources([]) if os.path.exists(tr_path(s, lang))]
        bad = 0
        for f in files:
            for e in check_file(f, lang, terms):
                print(e); bad += 1
        print(f"checked {len(files)} files, {bad} problems")
        sys.exit(1 if bad else 0)
    else:
        print(__doc__); sys.exit(2)

main()
