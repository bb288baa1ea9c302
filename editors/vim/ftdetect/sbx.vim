" sbx policies (sbxc): *.sbx
autocmd BufRead,BufNewFile *.sbx setfiletype sbx
