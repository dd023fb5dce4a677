package rufmt

// Plural picks the Russian form of a word for n: Plural(1, "место",
// "места", "мест") is "место", 2 → "места", 5 → "мест", 21 → "место",
// 11–14 → "мест".
func Plural(n int, one, few, many string) string {
	n %= 100
	if n < 0 {
		n = -n
	}
	switch {
	case n%10 == 1 && n != 11:
		return one
	case n%10 >= 2 && n%10 <= 4 && (n < 12 || n > 14):
		return few
	}
	return many
}

// Count is n written by Int, a no-break space and the word in the form n
// takes: Count(5, "регион", "региона", "регионов") is "5 регионов".
func Count(n int, one, few, many string) string {
	return Int(n) + "\u00a0" + Plural(n, one, few, many)
}
