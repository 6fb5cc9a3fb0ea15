"""The Maya adapter: not built yet. The core, the settings panel and the layering tests are ready
for it; DESIGN.md (Hosts: Maya) says where its render events come from."""
