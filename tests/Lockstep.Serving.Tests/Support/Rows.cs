namespace Lockstep.Serving.Tests.Support;

/// <summary>Adult rows as a client would send them (the first rows of adult.data and adult.test, without income).</summary>
internal static class Rows
{
    public const string Valid = """
        {"age":39,"workclass":"State-gov","fnlwgt":77516,"education":"Bachelors","education-num":13,"marital-status":"Never-married","occupation":"Adm-clerical","relationship":"Not-in-family","race":"White","sex":"Male","capital-gain":2174,"capital-loss":0,"hours-per-week":40,"native-country":"United-States"}
        """;

    /// <summary>workclass and occupation are null and native-country is absent: all three were missing in training, so the bundle imputes them.</summary>
    public const string WithMissing = """
        {"age":50,"workclass":null,"fnlwgt":83311,"education":"Bachelors","education-num":13,"marital-status":"Married-civ-spouse","occupation":null,"relationship":"Husband","race":"White","sex":"Male","capital-gain":0,"capital-loss":0,"hours-per-week":13}
        """;

    public const string UnseenCategory = """
        {"age":28,"workclass":"Space-agency","fnlwgt":338409,"education":"Bachelors","education-num":13,"marital-status":"Married-civ-spouse","occupation":"Astronaut","relationship":"Wife","race":"Black","sex":"Female","capital-gain":0,"capital-loss":0,"hours-per-week":40,"native-country":"Atlantis"}
        """;
}
