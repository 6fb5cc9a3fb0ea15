"""The 3ds Max adapter: not built yet. The core, the settings panel and the layering tests are ready
for it; DESIGN.md (Hosts: 3ds Max) says where its render events come from."""
