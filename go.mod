module ripple

go 1.26.8
