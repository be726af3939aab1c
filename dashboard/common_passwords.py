"""Passwords too common to accept (checked in lower case, also without trailing digits/symbols).

A hand-kept list of the most used passwords in public breach statistics, in English and
Brazilian Portuguese, plus keyboard walks and the product's own names. Shipped with the code:
nothing is downloaded.
"""

from __future__ import annotations

from typing import Final

_WORDS: Final = """
123456 123456789 12345678 1234567890 12345 1234567 123123 1234 111111 000000 654321 666666
121212 112233 123321 159753 147258369 987654321 0987654321 1q2w3e4r 1q2w3e4r5t 1q2w3e
q1w2e3r4 q1w2e3r4t5 1qaz2wsx 1qazxsw2 zaq12wsx zaq1zaq1 qazwsx qazwsxedc qwerty qwerty123
qwertyuiop qwertyui qwert asdfgh asdfghjkl asdfasdf zxcvbn zxcvbnm azerty abc123 abcd1234
abcdef abcdefg abcdefgh abcdefghij a1b2c3d4 a1b2c3 aaaaaa password password1 passw0rd
p@ssw0rd p@ssword pass pass123 password123 passwort motdepasse contraseña contrasena
senha senha123 senha1234 senha12345 minhasenha minha_senha novasenha mudar mudar123
mudarsenha trocar trocarsenha alterar alterar123 admin admin123 admin1234 administrator
administrador adm root toor master mestre login logon welcome welcome1 bemvindo bem-vindo
bemvindo123 letmein iloveyou iloveyou1 teamo te_amo eteamo amor amorzinho meuamor
princess princesa monkey macaco dragon dragao sunshine football futebol soccer baseball
basketball superman batman spiderman starwars pokemon naruto goku mickey minecraft roblox
freefire fortnite shadow master123 michael jennifer jessica daniel thomas charlie jordan
jordan23 hunter hunter2 ranger buster tigger ginger pepper cookie cheese chocolate
chocolat flower flores summer winter autumn spring secret segredo secreto trustno1 whatever
freedom liberdade nothing nada computer computador internet google facebook instagram
twitter youtube whatsapp linkedin microsoft windows apple samsung iphone android
brasil brazil brasil123 brasil2024 brasil2025 brasil2026 saopaulo sao_paulo riodejaneiro
corinthians palmeiras flamengo santos vasco gremio cruzeiro botafogo fluminense
internacional saopaulofc timao mengao verdao jesus jesuscristo deus deusefiel deus123
deuseamor deuseminhavida deusebom gabriel gabriela rafael rafaela lucas mateus matheus
pedro joao maria mariana ana julia juliana fernanda fernando carlos paulo paula marcos
marcelo rodrigo ricardo bruno bruna amanda beatriz camila larissa leticia vitoria
victoria isabela isabella sophia sofia alice helena valentina laura manuela miguel arthur
heitor bernardo davi theo familia family familia123 felicidade saudade esperanca
vida minhavida vidaloka beleza bonita lindo linda gatinha gatinho cachorro pitbull
estrela estrelas lua sol mar praia verao inverno natal pascoa janeiro fevereiro marco
abril maio junho julho agosto setembro outubro novembro dezembro segunda domingo
escola colegio faculdade professor professora aluno aluna estudante educacao ensino
coordenacao coordenador coordenadora diretor diretora secretaria ong projeto
passos passosmagicos passos_magicos passos-magicos passosmagicos123 magicos magico
painel dashboard alerta defasagem pede pede2024 pede2025 embu embudasartes
changeme default guest convidado teste test test123 testing teste123 testando demo
sample exemplo example user usuario usuário user123 usuario123 temp temporario
temporaria provisoria provisorio
qwer1234 asdf1234 zxcv1234 1qaz 2wsx 3edc !qaz2wsx q1w2e3 q2w3e4r5 q1q1q1q1 w1w1w1
aa123456 a123456 a12345678 abc12345 qwe123 qwe123456 asd123 zxc123 zaq123 123qwe 123abc
123asd 123456a 123456q 1234qwer 12qwaszx 1a2b3c 1a2b3c4d asdzxc qweasd qweasdzxc
11111111 1111111111 22222222 12341234 123412345 12344321 1234554321 123454321 123123123
147258 147852 159357 741852963 789456123 789456 456789 456123 321321 2580 963852741
0000000000 1212121212 1010101010 1231231231 9876543210 0123456789 01234567
monkey123 dragon123 iloveyou123 sunshine1 princess1 football1 charlie1 superman1
batman123 shadow123 master1 welcome123 letmein1 trustno11 baseball1 starwars1
loveyou loveme lovely love love123 lover babygirl baby123 angel angels anjo anjinho
blessed blessing forever sempre nuncamais destino liberty matrix hello hello123
ola oi oi123 tudobem beijos abraco sorriso alegria paz pazeamor fe esperança
""".split()

COMMON_PASSWORDS: Final[frozenset[str]] = frozenset(w.lower() for w in _WORDS if w)
