-- For README.md only, the GitHub Markdown (gfm) that `nbdev_readme` renders from index.ipynb;
-- the site's formats (html, commonmark) are left alone. Links between pages of the site, such as `pixelrnn.html`, are
-- relative on the site but would be broken on GitHub, so they point at the published site
-- (website: site-url in nbdev.yml, which nbdev writes from settings.ini); and the home page's
-- subtitle, which the site shows under the title, is kept as a quote under the README's title.

local function site_url()
  local file = io.open(quarto.project.directory .. "/nbdev.yml", "r")
  if not file then error("readme_links.lua: nbdev.yml not found in " .. quarto.project.directory) end
  local text = file:read("a")
  file:close()
  local url = text:match('site%-url:%s*"([^"]+)"') or text:match("site%-url:%s*(%S+)")
  if not url then error("readme_links.lua: no website: site-url in nbdev.yml") end
  return (url:gsub("/$", ""))
end

if not quarto.doc.is_format("gfm") then return {} end

local site = site_url()

function Link(link)
  local target = link.target
  local is_relative = not target:match("^%a[%w+.-]*:") and not target:match("^[#/]")
  if is_relative and (target:match("%.html$") or target:match("%.html#")) then
    link.target = site .. "/" .. target
  end
  return link
end

function Pandoc(doc)
  local description = doc.meta.description
  if description then
    doc.blocks:insert(1, pandoc.BlockQuote({ pandoc.Para(pandoc.utils.blocks_to_inlines(
      pandoc.utils.type(description) == "Blocks" and description or { pandoc.Plain(description) })) }))
  end
  return doc
end
