"""Demo case studies and standalone lessons from Swedish and Danish agencies (fictional but plausible)."""

CASES = [
    {
        "slug": "ai-triage-skatteverket",
        "title": "Automatisk sortering av inkommande ärenden med maskininlärning",
        "language": "sv",
        "organisations": ["skatteverket"],
        "country": "SE",
        "topics": ["ai-in-casework", "efficiency"],
        "status": "completed",
        "start": "2021-03-01",
        "end": "2023-06-30",
        "summary": "Skatteverket tränade en textklassificerare som läser inkommande skrivelser och e-post och föreslår vilken enhet och ärendetyp de hör till. Registratorn bekräftar förslaget i stället för att fördela allt för hand, och ärendena når rätt handläggare flera dagar snabbare.",
        "problem": "Varje år kommer drygt 1,2 miljoner skrivelser, blanketter och e-postmeddelanden in till Skatteverket utanför de strukturerade e-tjänsterna. Allt registrerades och fördelades manuellt av ett fyrtiotal medarbetare, och ungefär vart femte ärende skickades vidare minst en gång innan det hamnade hos rätt sektion.\n\nLedtiden från inkommen handling till påbörjad handläggning var i snitt nio arbetsdagar, under deklarationsperioden betydligt längre. Kunskapen om vilka ärenden som hörde till vilken enhet var dessutom personbunden och svår att föra vidare.",
        "approach": "Vi byggde en klassificeringsmodell på drygt 400 000 historiska, redan fördelade ärenden. Texterna pseudonymiserades före träningen och modellen körs helt i vår egen driftmiljö, eftersom uppgifterna omfattas av skattesekretess. En verksamhetsjurist och dataskyddsombudet deltog från förstudien, och konsekvensbedömningen enligt dataskyddsförordningen var klar innan piloten startade.\n\nModellen fattar inga beslut. Den föreslår enhet och ärendetyp med en säkerhetsnivå, och registratorn bekräftar eller ändrar. Förslag under en viss nivå visas inte alls. Varje ändring loggas och blir nytt träningsunderlag vid den kvartalsvisa omträningen. Piloten pågick i sex månader på två orter innan vi införde lösningen i hela landet.",
        "results": "84 procent av förslagen bekräftas nu utan ändring. Ledtiden till påbörjad handläggning har gått från nio till drygt fem arbetsdagar, och andelen ärenden som skickas vidare mellan enheter har halverats.\n\nRegistraturen har inte minskat i antal medarbetare. Den frigjorda tiden används till svåra inlagor och bättre underlag till handläggarna. Den största utmaningen i förvaltningen är att hålla modellen aktuell när nya regler och ärendetyper tillkommer.",
        "key_figures": [
            ("84", "%", "förslag som bekräftas utan ändring"),
            ("38", "%", "kortare ledtid till påbörjad handläggning"),
            ("400 000", "", "historiska ärenden i träningsunderlaget"),
        ],
        "quote": (
            "Det avgörande var att registratorerna själva fick bestämma hur förslagen skulle visas. Då blev modellen ett stöd och inte en kontrollant.",
            "Helena Strand, sektionschef",
        ),
        "lessons": [
            (
                "Ta in dataskyddsombud och jurister redan i förstudien. En sen konsekvensbedömning hade skjutit piloten flera månader.",
                "success",
            ),
            (
                "Vi underskattade arbetet med att rensa ärendetyperna. Två enheter använde samma kod för olika saker, vilket gav felaktiga förslag de första veckorna.",
                "pitfall",
            ),
            (
                "Låt användarna vara med och sätta tröskeln för när förslag visas. En för låg tröskel skapade misstro som tog tid att vända.",
                "pitfall",
            ),
            (
                "Budgetera för löpande omträning och förvaltning från början, inte som ett projekt som tar slut.",
                "success",
            ),
        ],
        "contacts": [
            (
                "Helena Strand",
                "Sektionschef, registratur",
                "Skatteverket",
                "helena.strand@skatteverket.example",
            ),
            (
                "Jonas Berglund",
                "Dataanalytiker",
                "Skatteverket",
                "jonas.berglund@skatteverket.example",
            ),
        ],
        "related": [
            "maskinell-fordelning-handlingar-forsakringskassan",
            "ai-visitering-skattestyrelsen",
        ],
        "theme": "ai-triage",
    },
    {
        "slug": "maskinell-fordelning-handlingar-forsakringskassan",
        "title": "Maskinell fördelning av kompletteringar i sjukpenningärenden",
        "language": "sv",
        "organisations": ["forsakringskassan"],
        "country": "SE",
        "topics": ["ai-in-casework", "citizen-service"],
        "status": "ongoing",
        "start": "2023-09-01",
        "end": None,
        "summary": "Läkarintyg, kompletteringar och frågor i sjukpenningärenden kommer in på många vägar. Försäkringskassan prövar en språkmodell som känner igen handlingens typ, kopplar den till rätt ärende och markerar det som brådskande när den försäkrade riskerar att bli utan ersättning.",
        "problem": "I sjukpenningen kommer omkring 45 000 handlingar in varje vecka: läkarintyg, svar på begäran om komplettering, frågor och överklaganden. En stor del skannas från papper. Handlingarna hamnade i en gemensam inkorg och handläggarna fick själva leta upp sina, vilket gjorde att kompletteringar ibland låg orörda i över en vecka.\n\nFör den enskilde betyder det att utbetalningen dröjer. Klagomålen till kundcenter om långsam handläggning var till stor del frågor om handlingar som redan kommit in.",
        "approach": "En tvärfunktionell grupp med handläggare, verksamhetsutvecklare och utvecklare tog fram en modell som läser den tolkade texten och avgör handlingstyp. Modellen tränades på ett urval om 120 000 handlingar som handläggare kategoriserat i efterhand. Vi valde en mindre modell som kan köras i Försäkringskassans egen miljö; en molntjänst var aldrig aktuell på grund av sekretessen.\n\nHandlingen knyts till ärendet med hjälp av personnummer och ärendenummer, och modellen flaggar brådskande fall, till exempel när ersättningen upphör inom fem dagar. Handläggaren ser alltid skälet till flaggningen och kan ändra den. Införandet sker enhet för enhet, med en referensgrupp som träffas varannan vecka.",
        "results": "Hittills har lösningen införts på fyra av elva enheter. Där har tiden från inkommen komplettering till åtgärd minskat från i snitt sex till två arbetsdagar. Modellen identifierar rätt handlingstyp i 91 procent av fallen.\n\nSämst fungerar den på handskrivna läkarintyg, där tolkningen av skanningen ofta brister. Dessa går fortsatt till manuell hantering.",
        "key_figures": [
            ("91", "%", "rätt identifierad handlingstyp"),
            ("2", "dagar", "från komplettering till åtgärd, tidigare 6"),
        ],
        "quote": (
            "Förut letade vi i inkorgen. Nu ligger kompletteringen i ärendet när vi öppnar det.",
            "Sara Nyström, handläggare sjukpenning",
        ),
        "lessons": [
            (
                "Börja med den handlingstyp som ger störst effekt för den enskilde, inte den som är tekniskt enklast.",
                "success",
            ),
            (
                "Skanningens kvalitet sätter taket för vad modellen klarar. Vi borde ha granskat skanningsflödet innan vi började träna.",
                "pitfall",
            ),
            (
                "Handläggarna måste kunna se varför ett ärende flaggats, annars ignoreras flaggan.",
                "success",
            ),
        ],
        "contacts": [
            (
                "Sara Nyström",
                "Verksamhetsutvecklare",
                "Försäkringskassan",
                "sara.nystrom@forsakringskassan.example",
            ),
        ],
        "related": ["ai-triage-skatteverket", "ai-visitering-udbetaling-danmark"],
        "theme": "ai-triage",
    },
    {
        "slug": "ai-visitering-skattestyrelsen",
        "title": "AI-baseret visitering af indkomne henvendelser",
        "language": "da",
        "organisations": ["skattestyrelsen"],
        "country": "DK",
        "topics": ["ai-in-casework", "citizen-service"],
        "status": "completed",
        "start": "2020-08-01",
        "end": "2022-12-31",
        "summary": "Skattestyrelsen modtager hvert år flere hundrede tusinde skriftlige henvendelser fra borgere og virksomheder. En sprogmodel læser nu hver besked og sender den til det team, der har kompetencen, så borgeren får svar hurtigere og færre sager sendes rundt i huset.",
        "problem": "Henvendelser via kontaktformularen på skat.dk og via Digital Post blev visiteret manuelt af et centralt team på 25 medarbejdere. I spidsbelastningen omkring årsopgørelsen voksede bunken af uvisiterede beskeder til over 60.000, og svartiden kunne nå op på fire uger.\n\nCirka 18 procent af henvendelserne blev sendt videre mindst én gang, fordi emnet ikke var klart ud fra overskriften. Det gav dobbeltarbejde og frustrerede borgere, som ofte skrev igen, hvilket øgede bunken yderligere.",
        "approach": "Vi trænede en dansk sprogmodel på to års historiske henvendelser, som allerede var fordelt på 34 fagteams. Data blev pseudonymiseret, og modellen kører i Skattestyrelsens egen platform. Juridisk afdeling vurderede, at løsningen ikke træffer afgørelser og derfor ikke kræver særskilt hjemmel, men vi lavede en konsekvensanalyse efter databeskyttelsesforordningen og inddrog databeskyttelsesrådgiveren løbende.\n\nModellen sender kun beskeden direkte videre, når den er meget sikker. Ellers ender den hos en medarbejder med modellens tre bedste bud. Vi startede med ét område, motorafgifter, og udvidede trinvis over 18 måneder.",
        "results": "I dag sendes 71 procent af henvendelserne automatisk til det rette team. Den gennemsnitlige svartid er faldet fra 14 til 6 arbejdsdage, og andelen af sager, der sendes videre, er nede på 7 procent.\n\nVisitationsteamet er reduceret fra 25 til 11 medarbejdere gennem naturlig afgang og omplacering til sagsbehandling. Modellen gentrænes hvert halve år, og en faglig ejer i kundeservice prioriterer ændringer.",
        "key_figures": [
            ("71", "%", "henvendelser visiteret automatisk"),
            ("6", "dage", "gennemsnitlig svartid, før 14"),
        ],
        "quote": (
            "Vi turde ikke slippe modellen fri fra starten. At den kun handler selv, når den er sikker, var det, der skabte tilliden.",
            "Mikkel Thorsen, kontorchef i kundeservice",
        ),
        "lessons": [
            (
                "Start med ét afgrænset område med tydelige kategorier, og udvid først, når medarbejderne selv efterspørger det.",
                "success",
            ),
            (
                "Den faglige ejer skal sidde i forretningen, ikke i it. Vores første modelversion blev forvaltet af it, og ingen prioriterede de faglige ønsker.",
                "pitfall",
            ),
            (
                "Mål genhenvendelser, ikke kun svartid. Det var her, den største gevinst viste sig.",
                "success",
            ),
        ],
        "contacts": [
            (
                "Mikkel Thorsen",
                "Kontorchef, kundeservice",
                "Skattestyrelsen",
                "mikkel.thorsen@skat.example",
            ),
            ("Louise Dam", "Data scientist", "Skattestyrelsen", "louise.dam@skat.example"),
        ],
        "related": ["ai-visitering-udbetaling-danmark", "ai-triage-skatteverket"],
        "theme": "ai-triage",
    },
    {
        "slug": "ai-visitering-udbetaling-danmark",
        "title": "Maskinlæring læser og fordeler indgående post på boligstøtteområdet",
        "language": "da",
        "organisations": ["udbetaling-danmark"],
        "country": "DK",
        "topics": ["ai-in-casework", "efficiency"],
        "status": "completed",
        "start": "2021-02-01",
        "end": "2022-10-31",
        "summary": "Udbetaling Danmark lod en maskinlæringsmodel genkende indholdet af breve og dokumenter om boligstøtte, så de automatisk kobles til den rigtige sag og den rigtige opgavekø. Sagsbehandlerne bruger nu tiden på at behandle sager i stedet for at sortere post.",
        "problem": "Boligstøtteområdet modtager omkring 900.000 dokumenter om året: lejekontrakter, indkomstoplysninger, flytteanmeldelser og partshøringssvar. Før projektet brugte sagsbehandlerne op mod en femtedel af deres tid på at åbne, læse og placere posten korrekt.\n\nFordi opgavekøerne var sorteret efter modtagelsesdato og ikke efter indhold, blev hastesager som partshøringssvar med korte frister ofte liggende bag rutinepost.",
        "approach": "Sammen med en leverandør fra SKI-aftalen om it-konsulentydelser byggede vi en model, der klassificerer dokumenter i 22 typer og udtrækker cpr-nummer og sagsnummer. Modellen blev trænet på 250.000 dokumenter, som sagsbehandlerne tidligere havde placeret, og testet i et sikret miljø uden adgang til internettet.\n\nVi indførte løsningen i tre bølger, og i hver bølge sad to superbrugere fra sagsbehandlingen med i teamet. Usikre klassifikationer går til manuel fordeling, og hver uge gennemgår et par medarbejdere en stikprøve på 200 dokumenter for at måle kvaliteten.",
        "results": "Modellen placerer 88 procent af dokumenterne uden menneskelig indgriben, og fejlraten i stikprøverne ligger stabilt under 2 procent. Tiden brugt på postfordeling er faldet med ca. 30 årsværk på tværs af boligstøtte og pension.\n\nPartshøringssvar behandles nu inden for fristen i 97 procent af sagerne mod 81 procent før.",
        "key_figures": [
            ("88", "%", "dokumenter placeret automatisk"),
            ("30", "årsværk", "frigjort fra postfordeling"),
        ],
        "quote": None,
        "lessons": [
            (
                "Ugentlige stikprøver foretaget af sagsbehandlerne selv gav både bedre data og større ejerskab end et kontrolpanel.",
                "success",
            ),
            (
                "Leverandøren ejede i starten træningspipelinen. Sørg for i kontrakten, at myndigheden kan gentræne modellen uden leverandøren.",
                "pitfall",
            ),
        ],
        "contacts": [
            (
                "Rasmus Holm",
                "Afdelingsleder, boligstøtte",
                "Udbetaling Danmark",
                "rasmus.holm@udbetaling.example",
            ),
        ],
        "related": [
            "ai-visitering-skattestyrelsen",
            "maskinell-fordelning-handlingar-forsakringskassan",
        ],
        "theme": "ai-triage",
    },
]

LESSONS = [
    {
        "slug": "borja-med-malbilden-for-nyttan",
        "title": "Bestäm hur nyttan ska mätas innan projektet startar",
        "language": "sv",
        "text": "Flera myndigheter i nätverket hade försökt mäta nyttan av digitaliseringsprojekt i efterhand och saknade då en nollmätning. Den som mäter ledtider, volymer och kostnader före starten kan visa effekter; den som börjar efteråt får förlita sig på uppskattningar som ingen tror på.",
        "kind": "pitfall",
        "context": "Nätverksträff om uppföljning av digitalisering, Stockholm, hösten 2023",
        "organisations": ["esv"],
        "topics": ["digitalisation-follow-up", "internal-governance"],
        "country": "SE",
    },
    {
        "slug": "faelles-sprog-for-gevinster",
        "title": "Et fælles sprog for gevinster gør porteføljen sammenlignelig",
        "language": "da",
        "text": "Da styrelserne begyndte at opgøre gevinster i samme kategorier – frigjorte årsværk, kvalitet og borgeroplevet service – blev det muligt at prioritere på tværs af porteføljen. Før sammenlignede man æbler og pærer, og de mest veltalende projektledere fik pengene.",
        "kind": "success",
        "context": "Netværksmøde om gevinstrealisering, København, foråret 2024",
        "organisations": ["digst"],
        "topics": ["digitalisation-follow-up", "efficiency"],
        "country": "DK",
    },
]
