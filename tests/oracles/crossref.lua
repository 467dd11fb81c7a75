-- pandoc-crossref references (@fig:x, [@tbl:a; @eq:b], [-@eq:x], @sec:x) out of citeproc's way.
--
-- The oracle of thesis/crossref.py's `take_out` (tests/test_incremental_parse.py runs it in the
-- one-run parse the incremental parse is compared with); it ran in the parse before 2026-11-30.
-- Runs before --citeproc: the cross-reference keys of a Cite (fig:, tbl:,
-- eq:, sec:) become a Span of class "xref" (keys and modes as attributes, the typed text as
-- content), which the build's crossref transform replaces by "рис. 1.2". Left as Cites,
-- citeproc would print "(fig:x?)", turn them into footnotes under a note style, and count
-- them as notes: the next citation of the same source would not be "Там же".
local PREFIXES = { fig = true, tbl = true, eq = true, sec = true }

local function is_label(key)
  local prefix = key:match("^(%a+):")
  return prefix ~= nil and PREFIXES[prefix:lower()] == true
end

local function xref_span(citations, content)
  local keys, modes = {}, {}
  for _, citation in ipairs(citations) do
    table.insert(keys, citation.id)
    table.insert(modes, citation.mode)
  end
  -- Attributes as a list of pairs: a Lua table with keys has no fixed order (the AST would
  -- differ from run to run).
  return pandoc.Span(content, pandoc.Attr("", { "xref" },
    { { "keys", table.concat(keys, ";") }, { "modes", table.concat(modes, ";") } }))
end

-- The reader numbers notes and citations outside notes from one counter (citeproc uses
-- the numbers to see adjacent notes): a removed reference outside a note frees its number,
-- so every later citation moves up by one.
function Pandoc(doc)
  local in_note = {}
  doc:walk({ Note = function(note)
    note:walk({ Cite = function(cite) in_note[cite.citations[1].note_num] = true end })
  end })
  local removed = {}
  doc = doc:walk({ Cite = function(cite)
    local labels, others = {}, {}
    for _, citation in ipairs(cite.citations) do
      table.insert(is_label(citation.id) and labels or others, citation)
    end
    if #labels == 0 then
      return nil
    end
    if #others > 0 then
      -- "@eq:x [@key, p. 5]" (pandoc reads one Cite) or "[@fig:x; @key]": the reference,
      -- then the citation; the citation keeps the note number.
      local typed = pandoc.utils.stringify(cite.content)
      return { xref_span(labels, { pandoc.Str(typed) }), pandoc.Cite(cite.content, others) }
    end
    local number = cite.citations[1].note_num
    if not in_note[number] then
      table.insert(removed, number)
    end
    return xref_span(labels, cite.content)
  end })
  if #removed == 0 then
    return doc
  end
  return doc:walk({ Cite = function(cite)
    for _, citation in ipairs(cite.citations) do
      local shift = 0
      for _, number in ipairs(removed) do
        if number < citation.note_num then
          shift = shift + 1
        end
      end
      citation.note_num = citation.note_num - shift
    end
    return cite
  end })
end
